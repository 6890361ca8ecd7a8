/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvmzone - shared declarations of the nvmzone command-line tool.
 */
#ifndef NVMZONE_H
#define NVMZONE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <getopt.h>
#include <libsmartcols.h>

#define NVMZONE_VERSION "0.2"

/* Exit codes, documented in nvmzone.8 */
#define NZ_EXIT_OK 0
#define NZ_EXIT_FAILURE 1
#define NZ_EXIT_PARTIAL 64
/* run: COMMAND could not be executed / was not found, as env(1) */
#define NZ_EXIT_CANNOT_INVOKE 126
#define NZ_EXIT_ENOENT 127

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MEMORY_DIR "/sys/devices/system/memory"
#define DAX_DIR "/sys/bus/dax/devices"
#define DAX_DRIVERS_DIR "/sys/bus/dax/drivers"
#define NVM_DIR "/sys/kernel/mm/nvm"
#define MIRROR_DIR NVM_DIR "/mirror"
/* the writer of mirrored ranges: a debugfs test and injection aid, not ABI */
#define MIRROR_DEBUG_DIR "/sys/kernel/debug/nvm/mirror"
#define NODE_DIR "/sys/devices/system/node"

/* ---- util.c ---- */

extern const char *nz_prog; /* "nvmzone": prefix of every message */
extern const char *nz_cmd_prog; /* "nvmzone <command>", for "Try ... --help" */

int nz_set_sysroot(const char *dir);
const char *nz_sysroot(void);
/* prefix @path (absolute, under /sys or /proc) with the sysroot; returns buf or NULL */
char *nz_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void nz_err(const char *what, const char *file, int errnum);
/* "PROG: TAGmessage\n" on stderr: the body of the functions below */
void nz_vmsg(const char *prog, const char *tag, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
void nz_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nz_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A usage error, in one line: "nvmzone CMD: MESSAGE (see 'nvmzone CMD
 * --help')".
 */
void nz_usage_errx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Read a whole (small) file into @buf, NUL-terminated, trailing newlines
 * stripped.  Returns the length or -errno.
 */
ssize_t nz_read_file(const char *path, char *buf, size_t len);
/* Parse an unsigned number (base 0: decimal or 0x hex) / signed decimal */
int nz_parse_u64(const char *s, int base, uint64_t *val);
int nz_parse_s64(const char *s, int64_t *val);
int nz_read_u64(const char *path, int base, uint64_t *val);
int nz_read_s64(const char *path, int64_t *val);

/* "1.5G", "128M", "512B"; caller frees */
char *nz_size_human(uint64_t bytes);
char *nz_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *nz_xstrdup(const char *s);
/* copy at most @len - 1 bytes and terminate */
void nz_strlcpy(char *dst, const char *src, size_t len);
/* whether @path exists (not following a final symlink) */
bool nz_exists(const char *path);
/*
 * Write @value, without a newline, to the existing file @path in one
 * write(), as chmem and libdaxctl do.  Returns 0 or -errno.
 */
int nz_write_file(const char *path, const char *value);
/*
 * "nvmzone: WHO: cannot write 'VALUE' to FILE: REASON[ HINT]": WHO is the
 * device or knob whose FILE it is (NULL: none, FILE is a path; FILE NULL:
 * WHO is the file).
 */
void nz_err_write(const char *who, const char *file, const char *value,
		  int errnum, const char *hint);
/*
 * A size: decimal or 0x hex bytes, optionally with a 1024-based suffix
 * (K, M, G, T, P, E, alone or followed by "iB").  0 or -errno.
 */
int nz_parse_size(const char *s, uint64_t *val);
/*
 * RANGE "START-END" (see RANGES in nvmzone.8): START and END sizes as
 * nz_parse_size() reads them, END the last byte or, when it is a multiple
 * of @align, the first byte after.  START and END + 1 must be multiples of
 * @align, which @align_name names in messages ("the memory block size");
 * @expected is what to say when @arg is not START-END.  0 or -1 (printed).
 */
int nz_parse_range(const char *arg, const char *expected, uint64_t align,
		   const char *align_name, uint64_t *start, uint64_t *end);
/* 0 when all of @total were done, 1 when none, 64 when some (as chmem) */
int nz_exit_status(size_t done, size_t total);

/* ---- output.c ---- */

enum nz_col_kind {
	NZ_COL_STR, /* JSON string */
	NZ_COL_SIZE, /* human size, or bytes with --bytes; a JSON number */
	NZ_COL_NUM, /* always a number */
	NZ_COL_BOOL, /* yes/no, JSON boolean */
};

struct nz_coldesc {
	/* upper case, words joined by '_'; the JSON key in lower case */
	const char *name;
	double whint;
	int flags; /* SCOLS_FL_* */
	enum nz_col_kind kind;
	const char *help;
	const char *alias; /* an older name that -o still takes, or NULL */
};

#define NZ_MAX_COLUMNS 32

struct nz_out {
	bool json;
	bool raw;
	bool noheadings;
	bool bytes;
	const char *columns; /* -o argument or NULL */
	int cols[NZ_MAX_COLUMNS];
	size_t ncols;
	const struct nz_coldesc *desc; /* set by nz_out_columns() */
};

/* Resolve -o against @desc (defaults: @defcols, -1 terminated). 0 or -1 */
int nz_out_columns(struct nz_out *o, const struct nz_coldesc *desc,
		   size_t ndesc, const int *defcols);
void nz_out_help(FILE *f, const struct nz_coldesc *desc, size_t ndesc);
struct libscols_table *nz_out_table(const struct nz_out *o);
/* A new line of @tb, or NULL (error printed) */
struct libscols_line *nz_out_line(struct libscols_table *tb);
/* Set cell @i of @ln; @data is malloc'd and owned by the table from now on */
int nz_out_cell(struct libscols_line *ln, size_t i, char *data);
/* Bytes as a cell: human-readable, or a number with -b and in JSON */
char *nz_out_size(const struct nz_out *o, uint64_t bytes);
char *nz_out_bool(const struct nz_out *o, bool val);

/*
 * JSON as daxctl prints it (json-c's pretty format): two spaces a level,
 * "key":value, sizes and counts as numbers, an empty cell as null.
 */
struct nz_json {
	FILE *f;
	int depth;
	bool first[8]; /* no member yet at this depth */
};

void nz_json_init(struct nz_json *j, FILE *f);
/* Open an object ('{') or array ('['), a member @key of an object or not */
void nz_json_open(struct nz_json *j, const char *key, char brace);
void nz_json_close(struct nz_json *j, char brace);
void nz_json_str(struct nz_json *j, const char *key, const char *val);
void nz_json_u64(struct nz_json *j, const char *key, uint64_t val);
void nz_json_s64(struct nz_json *j, const char *key, int64_t val);
/* The rows of @tb, as an array member @key (NULL: an array in an array) */
int nz_out_json_rows(struct nz_json *j, const struct nz_out *o,
		     struct libscols_table *tb, const char *key);
/*
 * Print @tb: a table, or in JSON an object with the array @name of its
 * rows (lsmem's form); @name NULL: the array alone (daxctl's form).
 * 0 or -1 (error printed).
 */
int nz_out_print(const struct nz_out *o, struct libscols_table *tb,
		 const char *name);

/* ---- opts.c: the one option parser of every command ---- */

enum nz_optid {
	NZ_O_OUTPUT,
	NZ_O_JSON,
	NZ_O_RAW,
	NZ_O_NOHEADINGS,
	NZ_O_BYTES,
	NZ_O_ALL,
	NZ_O_SPLIT,
	NZ_O_IDLE,
	NZ_O_VALUES,
	NZ_O_BLOCKS,
	NZ_O_ZONE,
	NZ_O_NO_ONLINE,
	NZ_O_FORCE,
	NZ_O_CHECK,
	NZ_O_PREFERRED,
	NZ_O_STRICT,
	NZ_O_SHOW,
	NZ_O_SYSROOT,
	NZ_O_HELP,
	NZ_O_VERSION,
	NZ_NOPTS
};

/* An option a command takes, and its line in the command's --help */
struct nz_cmdopt {
	int id; /* enum nz_optid; -1 ends a list */
	const char *help; /* NULL: the option's usual text; "": not listed */
};

/* clang-format off */
#define NZ_CMDOPT_OUTPUT						\
	{ NZ_O_OUTPUT, NULL }, { NZ_O_JSON, NULL }, { NZ_O_RAW, NULL },	\
	{ NZ_O_NOHEADINGS, NULL }, { NZ_O_BYTES, NULL }
#define NZ_CMDOPT_END							\
	{ NZ_O_SYSROOT, NULL }, { NZ_O_HELP, NULL }, { -1, NULL }
/* clang-format on */

/* What the options of a command line said */
struct nz_opts {
	struct nz_out out; /* -o, -J, -r, -n, -b (--noheadings, --bytes) */
	bool given[NZ_NOPTS];
	const char *split; /* -S */
	const char *blocks; /* -b of online/offline */
	const char *zone; /* -z */
	int placement; /* the last of NZ_O_PREFERRED and NZ_O_STRICT, or -1 */
	int argc; /* the operands */
	char **argv;
};

/* Options end at the first operand (run: COMMAND's; set: negative values) */
#define NZ_OPTS_STOP 1

/*
 * Parse the options of a command line (@argv[0] is the command) with
 * getopt_long() and the table of every option: @opts are those of the
 * command, @usage prints its --help.  An error is one line.  Returns -1 to
 * go on, or the exit status to return at once (--help, or an error).
 */
int nz_opts_parse(struct nz_opts *o, int argc, char **argv,
		  const struct nz_cmdopt *opts, unsigned int flags,
		  void (*usage)(FILE *f));
/* The "Options:" lines of a command's --help */
void nz_opts_help(FILE *f, const struct nz_cmdopt *opts);

/* ---- the commands ---- */

int cmd_status(int argc, char **argv);
int cmd_blocks(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_get(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_online(int argc, char **argv);
int cmd_offline(int argc, char **argv);
int cmd_hotadd(int argc, char **argv);
int cmd_hotremove(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_mirror(int argc, char **argv);

/* ---- memblock.c: memory blocks, shared by blocks and devices ---- */

#define NZ_STATE_LEN 32
#define NZ_ZONES_LEN 128

struct nz_memblock {
	uint64_t index; /* phys_index: block number */
	char state[NZ_STATE_LEN];
	char zones[NZ_ZONES_LEN];
	int node; /* -1: unknown */
	int removable; /* -1: unknown */
};

struct nz_memblocks {
	uint64_t block_size;
	struct nz_memblock *blk;
	size_t n;
	int failed; /* blocks that could not be read */
};

/* Read every memory block, sorted by index.  0 or -1 (error printed). */
int nz_memblocks_read(struct nz_memblocks *mb);
/*
 * The same for the blocks whose index @want accepts (its @arg passed on):
 * a command about one device need not read every block's files.
 */
int nz_memblocks_read_some(struct nz_memblocks *mb,
			   bool (*want)(uint64_t index, const void *arg),
			   const void *arg);
void nz_memblocks_free(struct nz_memblocks *mb);
/* The block of @index in @mb, or NULL */
const struct nz_memblock *nz_memblocks_find(const struct nz_memblocks *mb,
					    uint64_t index);
/* block_size_bytes.  0 or -1 (error printed). */
int nz_memblocks_size(uint64_t *block_size);
/* MEMORY_DIR/memoryINDEX[/FILE] under the sysroot; buf or NULL */
char *nz_memblock_path(char *buf, size_t len, uint64_t index, const char *file);
/*
 * Read one block.  0; -ENOENT, silently, when it does not exist; -1 when it
 * could not be read (error printed).
 */
int nz_memblock_read(uint64_t index, struct nz_memblock *b);

/* ---- devices.c: dax devices ---- */

#define NZ_DAX_MAX_MAPPINGS 64

struct nz_daxdev {
	char name[64];
	char driver[64]; /* "" if unbound */
	uint64_t size;
	int64_t target_node;
	uint64_t align; /* 0: unknown */
	bool have_resource;
	uint64_t resource;
	/* the physical ranges of its memory, first to last byte */
	size_t nmap;
	struct {
		uint64_t start, end;
	} map[NZ_DAX_MAX_MAPPINGS];
};

/*
 * Read dax device @name: through libdaxctl on the running system, from
 * DAX_DIR/@name under --sysroot.  0, -ENOENT (silently) when there is no
 * such device, or -1 with an error printed.
 */
int nz_dax_read(const char *name, struct nz_daxdev *d);
/* Room for one more in *@devs (@n used, *@alloc allocated).  0 or -1. */
int nz_dax_grow(struct nz_daxdev **devs, size_t n, size_t *alloc);
/* Read DAX_DIR/@name/mappingN into d->map[] (--sysroot).  0 or -1. */
int nz_dax_read_mappings(struct nz_daxdev *d);

/* ---- daxlib.c: the running system's dax devices, through libdaxctl ---- */

struct nz_zone;

/*
 * Every dax device libdaxctl knows, into *@devs (malloc'd, *@n of them);
 * a device that cannot be read has its line and counts in *@failed.  0, or
 * -1 with an error printed.
 */
int nz_daxlib_list(struct nz_daxdev **devs, size_t *n, int *failed);
/* nz_dax_read() without --sysroot */
int nz_daxlib_read(const char *name, struct nz_daxdev *d);
/* nz_daxlib_online() and _offline() did not ask libdaxctl */
#define NZ_DAXLIB_UNUSED INT_MIN
/*
 * Online the memory of system-ram device @d into @z, or offline it, as
 * daxctl online-memory and offline-memory do.  The number of blocks it
 * changed, or -errno, silently: the caller re-reads the blocks and
 * finishes or reports each.  NZ_DAXLIB_UNUSED under --sysroot, where this
 * libdaxctl cannot online into @z, and for a device whose memory is not
 * the one range [resource, resource + size) (libdaxctl would reach the
 * blocks between its ranges).
 */
int nz_daxlib_online(const struct nz_daxdev *d, const struct nz_zone *z);
int nz_daxlib_offline(const struct nz_daxdev *d);
/* devdax, system-ram, unbound or the driver's name */
const char *nz_dax_mode(const struct nz_daxdev *d);

/* ---- online.c: changing the state of memory blocks ---- */

/* A zone a block can be onlined into, by name */
struct nz_zone {
	const char *name; /* --zone value: "nvm" */
	const char *kname; /* in valid_zones: "NVM" */
	const char *online; /* state value: "online_nvm" */
	const char *kmem; /* kmem_zone value: "nvm" */
};

/* "nvm", "movable", "normal" (any case); NULL with an error printed */
const struct nz_zone *nz_zone_parse(const char *name);
extern const struct nz_zone nz_zone_nvm, nz_zone_movable;
bool nz_block_online_p(const struct nz_memblock *b);
/* The zone of an online block, when the kernel names a single one */
const char *nz_block_zone(const struct nz_memblock *b);
/* Whether an online block is in @z */
bool nz_block_in_zone(const struct nz_memblock *b, const struct nz_zone *z);

enum nz_blk_result {
	NZ_BLK_DONE,
	NZ_BLK_SKIPPED, /* already in the requested state */
	NZ_BLK_FAILED, /* error printed */
};

/*
 * Online block @b into @z (NULL: "online", the kernel's default zone), or
 * offline it; skip a block already in that state.  @b is re-read after
 * writing.  Unless @quiet, print what was done on standard output.
 */
enum nz_blk_result nz_block_online(struct nz_memblock *b, uint64_t block_size,
				   const struct nz_zone *z, bool quiet);
enum nz_blk_result nz_block_offline(struct nz_memblock *b, uint64_t block_size,
				    bool quiet);
/* "memory40 (0x...-0x...)" */
char *nz_block_name(const struct nz_memblock *b, uint64_t block_size);
/* "online NVM", "offline" */
char *nz_block_state(const struct nz_memblock *b);

/* ---- daxbind.c: binding a dax device to a driver ---- */

enum nz_dax_driver {
	NZ_DAX_KMEM, /* system-ram */
	NZ_DAX_DEVDAX, /* device_dax */
};

/*
 * Unbind dax device @dev from its driver and bind it to @drv.  0, or -1
 * with an error printed.
 */
int nz_dax_bind(const char *dev, enum nz_dax_driver drv);

/* ---- mirror.c: mirrored memory (MIGRATE_MIRROR) ---- */

#define NZ_MIRRORABLE_MAX 3

/* Whether the kernel has MIGRATE_MIRROR: MIRROR_DIR exists */
bool nz_mirror_supported(void);
/* "... (CONFIG_MEMORY_MIRROR): ... does not exist" on standard error */
void nz_mirror_unsupported(void);
/* What vm.mirrorable @val means, or NULL when it is not 0..3 */
const char *nz_mirrorable_desc(int64_t val);

#endif /* NVMZONE_H */
