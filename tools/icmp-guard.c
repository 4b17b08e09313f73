// SPDX-License-Identifier: GPL-2.0
/*
 * icmp-guard: read icmp_guard's policy, counters and senders in one network
 * namespace, a named one (-n NAME, as ip -n) or all of them (--all), and
 * export the counters in node_exporter's textfile format. IPv4's sysctls
 * and counters, IPv6's (net.ipv6.icmp_guard, stats6) or both: -4 and -6,
 * as with ss.
 *
 * Written in C rather than shell so that entering a namespace is one
 * setns() in this process (no nsenter per namespace, no window in which a
 * child reads another namespace than the one we checked), every file is
 * parsed strictly before anything is printed, JSON and Prometheus strings
 * are escaped in one place, and the export file is written with
 * mkstemp(), fsync() and rename() so it is always whole.
 *
 * Exit status: 0 success, 1 usage, 2 icmp_guard not loaded, 3 unsupported
 * module version (older than 0.2.0, or without IPv6 when -6 asks for it)
 * or file format, 4 a namespace missing or not enterable, 5 another system
 * error. With several namespaces, the first error's.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define TOOL_VERSION	"0.3.0"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum {
	EX_OK,
	EX_USAGE,
	EX_NOT_LOADED,
	EX_FORMAT,
	EX_NETNS,
	EX_SYSTEM,
};

#define NETNS_RUN_DIR	"/run/netns"
#define MODULE_DIR	"/sys/module/icmp_guard"
#define PROC_DIR	"/proc/net/icmp_guard"
#define SYSCTL_DIR	"/proc/sys/net/ipv4/icmp_guard"
#define SYSCTL6_DIR	"/proc/sys/net/ipv6/icmp_guard"
#define CURRENT_LABEL	"default"

/*
 * The oldest module this tool reads: 0.2.0 is the first to report a
 * version, with the stats and senders formats below. Newer modules are
 * read as long as their files still parse; the strict parsers catch a
 * format that changed.
 */
static const unsigned int min_version[3] = { 0, 2, 0 };

/*
 * The counters of module 0.2.0, in file order, with the HELP text of their
 * Prometheus metric. All of them must be in the stats file. A name the
 * tool does not know is passed through: a counter if it comes before the
 * Senders gauge, a gauge if after it (the module prints its counters first,
 * then its gauges).
 */
static const struct {
	const char *name;
	const char *help;
	const char *help6;	/* for the counter of stats6 */
} known_counters[] = {
	{ "InRedirects", "ICMP Redirects that reached icmp_guard's hook.",
	  "ND Redirects that reached icmp_guard's IPv6 hook." },
	{ "InNetRedirects", "Network Redirects (code 0 or 2) as received.",
	  "Always 0: an ND Redirect has no Network code." },
	{ "Demoted", "Network Redirects rewritten into Host Redirects.",
	  "Always 0: an ND Redirect has nothing to demote." },
	{ "Accepted", "Redirects passed on to Linux.",
	  "ND Redirects passed on to Linux." },
	{ "Dropped", "Redirects dropped, for any reason.",
	  "ND Redirects dropped, for any reason." },
	{ "DropMalformed", "Redirects dropped: truncated or malformed.",
	  "ND Redirects dropped: malformed (RFC 4861, RFC 6980)." },
	{ "DropChecksum", "Redirects dropped: bad ICMP checksum.",
	  "ND Redirects dropped: bad ICMPv6 checksum." },
	{ "DropBadCode", "Redirects dropped: code above 3.",
	  "ND Redirects dropped: code other than 0." },
	{ "DropRateLimited", "Redirects dropped: sender over its rate.",
	  "ND Redirects dropped: sender over its rate." },
	{ "DropGlobalLimit", "Redirects dropped: namespace over its rate.",
	  "ND Redirects dropped: namespace over its rate." },
	{ "DropSendersFull", "Redirects dropped: sender table full.",
	  "ND Redirects dropped: sender table full." },
	{ "DropNotGateway", "Redirects dropped: sender is not the gateway.",
	  "ND Redirects dropped: sender is not the router." },
	{ "DropWrongDevice", "Redirects dropped: arrived on another device.",
	  "ND Redirects dropped: arrived on another device." },
	{ "DropLladdr", "Redirects dropped: source MAC is not the gateway's.",
	  "ND Redirects dropped: source MAC is not the router's." },
	{ "DropBadNewGateway", "Redirects dropped: new gateway not on-link.",
	  "ND Redirects dropped: target is no sane on-link choice." },
	{ "DropInnerSource", "Redirects dropped: embedded datagram not ours.",
	  "ND Redirects dropped: embedded datagram not ours." },
	{ "DropInnerProto", "Redirects dropped: protocol is no evidence.",
	  "ND Redirects dropped: protocol is no evidence." },
	{ "DropNoEvidence", "Redirects dropped: quoted datagram not sent.",
	  "ND Redirects dropped: quoted datagram not sent." },
	{ "DropTlla", "Always 0: the TLLA check is IPv6's.",
	  "ND Redirects dropped: TLLA contradicts the neighbour entry." },
	{ "DropInnerDest", "Always 0: the embedded destination check is IPv6's.",
	  "ND Redirects dropped: embedded datagram to another destination." },
	{ "DropBlocked", "Redirects dropped: policy is block.",
	  "ND Redirects dropped: policy is block." },
	{ "MonitorWouldDrop", "Redirects enforce would drop (monitor).",
	  "ND Redirects enforce would drop (monitor)." },
	{ "DropNoMemory", "Redirects dropped: no memory for a sender.",
	  "ND Redirects dropped: no memory for a sender." },
	{ "IgnoredNoAccept", "Redirects passed unjudged: device ignores all.",
	  "ND Redirects passed unjudged: device ignores all." },
};

#define NR_KNOWN_COUNTERS ARRAY_SIZE(known_counters)

/*
 * Known counters added to stats since 0.2.0 first shipped: a module may
 * lack them. stats6 came later than all of them and must have them all.
 */
static const char *const later_counters[] = {
	"DropInnerProto", "DropNoEvidence", "DropNoMemory", "IgnoredNoAccept",
	"DropTlla", "DropInnerDest",
};

static int is_later_counter(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(later_counters); i++)
		if (!strcmp(name, later_counters[i]))
			return 1;
	return 0;
}

#define GAUGE_SENDERS	"Senders"
#define HELP_SENDERS	"Senders tracked by the rate limiter now."

/* The sysctls of module 0.2.0, in the order status shows them. */
static const char *const known_knobs[] = {
	"policy", "demote", "check_gateway", "check_lladdr",
	"check_new_gateway", "check_inner_source", "log", "rate", "burst",
	"global_rate", "global_burst", "max_senders",
};

/* net.ipv6.icmp_guard: all of them came with it. */
static const char *const known_knobs6[] = {
	"policy", "check_gateway", "check_lladdr", "check_new_gateway",
	"check_tlla", "check_inner_source", "check_evidence", "evidence_ms",
	"log",
};

/*
 * The two families. IPv4's names are as they were before IPv6 came: in
 * text, IPv6's are prefixed with "ipv6." (ipv6.policy, ipv6.DropTlla), so
 * that a name is never shown twice for a namespace; in JSON, IPv6's part is
 * an object "ipv6" with the keys IPv4's part has at the top level; in the
 * export, IPv6's metrics are named icmp_guard_ipv6_*, with the same labels
 * as IPv4's, which keep their names. Senders is the rate limiter's, shared
 * by both: it is exported once, as icmp_guard_senders.
 */
enum { FAM4, FAM6, NR_FAMS };

static const struct family {
	const char *name;		/* in messages */
	const char *stats;		/* its counters, in proc_dir() */
	const char *sysctl_dir;
	const char *const *knobs;	/* the known sysctls, in status order */
	size_t nr_knobs;
	const char *prefix;		/* of its names in text */
	int width;			/* of a sysctl's name in status */
	const char *json_key;		/* its JSON object, NULL: top level */
	const char *metric;		/* the prefix of its metric names */
	const char *state_file;		/* --delta's snapshot, before inode */
	const char *state_magic;	/* its first word */
} families[NR_FAMS] = {
	[FAM4] = {
		"IPv4", "stats", SYSCTL_DIR, known_knobs,
		ARRAY_SIZE(known_knobs), "", 20, NULL, "icmp_guard_",
		"netns-", "icmp-guard-state",
	},
	[FAM6] = {
		"IPv6", "stats6", SYSCTL6_DIR, known_knobs6,
		ARRAY_SIZE(known_knobs6), "ipv6.", 24, "ipv6",
		"icmp_guard_ipv6_", "netns6-", "icmp-guard-state6",
	},
};

/*
 * Which families a run reads. -4 and -6 ask for one each, and both may be
 * given; without either, each command has its default (main()). A family
 * asked for must be there; a default one may be missing from an older
 * module (IPv6: no stats6, no net.ipv6.icmp_guard) and is then left out.
 */
enum { WANT_NO, WANT_IF_THERE, WANT_YES };
static int fam_want[NR_FAMS];

static const char *const policy_names[] = {
	"off", "monitor", "enforce", "block",
};

/* The first columns of the senders file; later ones are passed through. */
static const char *const sender_cols[] = {
	"Address", "LinkAddress", "Tokens", "LastSeenMs", "Accepted",
	"Dropped",
};

static const char *const sender_keys[] = {
	"address", "lladdr", "tokens", "last_seen_ms", "accepted", "dropped",
};

#define NR_SENDER_COLS ARRAY_SIZE(sender_cols)

/* ------------------------------------------------------------------------
 * Errors
 */

static const char *prog = "icmp-guard";
static int exit_status;

/* Report an error and remember the first one's status. */
static void __attribute__((format(printf, 2, 3)))
fail(int status, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (!exit_status)
		exit_status = status;
}

static void __attribute__((format(printf, 1, 2)))
note(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fail(EX_SYSTEM, "out of memory");
		exit(EX_SYSTEM);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xrealloc(NULL, n), s, n);
}

/* ------------------------------------------------------------------------
 * Files
 */

/*
 * Read a whole file into a NUL-terminated buffer. Returns 0 or -errno.
 * A file with a NUL byte in it is no text file of the module's.
 */
static int read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b = NULL;
	ssize_t r;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	b = xrealloc(NULL, cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			b = xrealloc(b, cap);
		}
		r = read(fd, b + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (!r)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!err && memchr(b, '\0', n))
		err = -EILSEQ;
	if (err) {
		free(b);
		return err;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t r;

	while (len) {
		r = write(fd, buf, len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		buf += r;
		len -= (size_t)r;
	}
	return 0;
}

/*
 * Replace PATH with LEN bytes of BUF at once: a temporary file in the same
 * directory, synced, then renamed over PATH. Readers (node_exporter) see the
 * old file or the new one, never a part. The temporary name starts with a
 * dot and does not end in .prom, so the textfile collector never reads it;
 * it is removed on every error, and the signals that would stop us between
 * its creation and the rename wait until it is gone.
 */
static int replace_file(const char *path, const char *buf, size_t len,
			mode_t mode)
{
	const char *slash = strrchr(path, '/');
	sigset_t block, old;
	char *tmp;
	int fd, err = 0, dfd;
	size_t dlen = slash ? (size_t)(slash - path) : 0;
	const char *base = slash ? slash + 1 : path;

	if (!*base)
		return -EISDIR;
	if (asprintf(&tmp, "%.*s%s.%s.XXXXXX", (int)dlen, path,
		     slash ? "/" : "", base) < 0)
		return -ENOMEM;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGQUIT);
	sigaddset(&block, SIGPIPE);
	sigprocmask(SIG_BLOCK, &block, &old);

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		goto out;
	}
	err = write_all(fd, buf, len);
	if (!err && fchmod(fd, mode))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err) {
		unlink(tmp);
		goto out;
	}
	/* The rename itself survives a crash once the directory is synced. */
	free(tmp);
	tmp = NULL;
	if (asprintf(&tmp, "%.*s", dlen ? (int)dlen : 1,
		     slash ? path : ".") >= 0) {
		dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
out:
	free(tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return err;
}

/* ------------------------------------------------------------------------
 * Strings: UTF-8, JSON and Prometheus escaping, names
 */

/* JSON and Prometheus labels carry UTF-8 only; a netns name is any bytes. */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned int c, min;
	int more;

	while (*p) {
		c = *p++;
		if (c < 0x80)
			continue;
		if (c >= 0xc2 && c <= 0xdf) {
			more = 1;
			min = 0x80;
			c &= 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			more = 2;
			min = 0x800;
			c &= 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			more = 3;
			min = 0x10000;
			c &= 0x07;
		} else {
			return 0;
		}
		while (more--) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			c = (c << 6) | (*p++ & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
	}
	return 1;
}

/* A JSON string; S must be valid UTF-8. */
static void json_str(FILE *f, const char *s)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/*
 * A label value or HELP text of the exposition format: backslash and
 * newline escaped, and double quotes too in a label value.
 */
static void prom_escape(FILE *f, const char *s, int quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '"' && quote)
			fputs("\\\"", f);
		else
			fputc(*s, f);
	}
}

/*
 * InRedirects -> in_redirects, DropBadNewGateway -> drop_bad_new_gateway:
 * an underscore before each capital that follows a lower-case letter or a
 * digit, or that starts a word after an acronym (ABCDef -> abc_def).
 */
static void snake_case(char *out, size_t size, const char *name)
{
	size_t i, o = 0;

	for (i = 0; name[i] && o + 2 < size; i++) {
		unsigned char c = (unsigned char)name[i];

		if (i && isupper(c) &&
		    (islower((unsigned char)name[i - 1]) ||
		     isdigit((unsigned char)name[i - 1]) ||
		     (isupper((unsigned char)name[i - 1]) &&
		      islower((unsigned char)name[i + 1]))))
			out[o++] = '_';
		out[o++] = (char)tolower(c);
	}
	out[o] = '\0';
}

/* A counter name as the module prints it: [A-Za-z][A-Za-z0-9]*. */
static int valid_stat_name(const char *s, size_t len)
{
	size_t i;

	if (!len || len > 63 || !isalpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)s[i]))
			return 0;
	return 1;
}

/* A decimal u64 with no sign, no blanks, no leading zero, no overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t r = 0;
	size_t i;

	if (!len || len > 20 || (len > 1 && s[0] == '0'))
		return 0;
	for (i = 0; i < len; i++) {
		unsigned int d = (unsigned char)s[i] - '0';

		if (d > 9 || r > (UINT64_MAX - d) / 10)
			return 0;
		r = r * 10 + d;
	}
	*v = r;
	return 1;
}

/* A decimal int as proc_dointvec prints it: optional '-', then digits. */
static int parse_int(const char *s, size_t len, long long *v)
{
	uint64_t u;

	if (len && s[0] == '-') {
		if (!parse_u64(s + 1, len - 1, &u) || u > (uint64_t)INT_MAX + 1)
			return 0;
		*v = -(long long)u;
		return 1;
	}
	if (!parse_u64(s, len, &u) || u > INT_MAX)
		return 0;
	*v = (long long)u;
	return 1;
}

/* ------------------------------------------------------------------------
 * The module and its version
 */

static char module_version[64];

/*
 * Is the module there, and one whose files this tool can read? Checked once
 * per run, and again when a namespace has no /proc/net/icmp_guard (the
 * module may have gone meanwhile).
 */
static int check_module(void)
{
	unsigned int v[3];
	char *buf, *end;
	size_t len, i;
	int err, n = 0;
	const char *p;

	if (access(MODULE_DIR, F_OK)) {
		fail(EX_NOT_LOADED,
		     "icmp_guard is not loaded (no %s); try: modprobe icmp_guard",
		     MODULE_DIR);
		return -1;
	}
	err = read_file(MODULE_DIR "/version", &buf, &len);
	if (err == -ENOENT) {
		fail(EX_FORMAT,
		     "the loaded icmp_guard reports no version (%s/version): it is older than %u.%u.%u, the oldest this tool reads",
		     MODULE_DIR, min_version[0], min_version[1],
		     min_version[2]);
		return -1;
	}
	if (err) {
		fail(EX_SYSTEM, "%s/version: %s", MODULE_DIR, strerror(-err));
		return -1;
	}
	if (len && buf[len - 1] == '\n')
		buf[--len] = '\0';
	/* MAJOR.MINOR.PATCH, maybe followed by -, + or ~ and anything. */
	for (p = buf, i = 0; i < 3; i++) {
		if (!isdigit((unsigned char)*p))
			break;
		errno = 0;
		v[i] = (unsigned int)strtoul(p, &end, 10);
		if (errno || end - p > 9)
			break;
		n++;
		p = end;
		if (i < 2 && *p++ != '.')
			break;
	}
	if (n != 3 || (*p && !strchr("-+~", *p)) ||
	    len >= sizeof(module_version) || !utf8_valid(buf)) {
		fail(EX_FORMAT, "%s/version: unrecognised version '%s'",
		     MODULE_DIR, buf);
		free(buf);
		return -1;
	}
	memcpy(module_version, buf, len + 1);
	free(buf);
	for (i = 0; i < 3 && v[i] == min_version[i]; i++)
		;
	if (i < 3 && v[i] < min_version[i]) {
		fail(EX_FORMAT,
		     "the loaded icmp_guard is version %s, older than %u.%u.%u, the oldest this tool reads",
		     module_version, min_version[0], min_version[1],
		     min_version[2]);
		return -1;
	}
	return 0;
}

/* The directory of stats and senders: ICMP_GUARD_PROC overrides it. */
static const char *proc_dir(void)
{
	const char *d = getenv("ICMP_GUARD_PROC");

	return d && *d ? d : PROC_DIR;
}

/* ------------------------------------------------------------------------
 * Network namespaces
 */

struct target {
	char *label;		/* its name in /run/netns, or CURRENT_LABEL */
	char *path;		/* /run/netns/NAME, or NULL: the current one */
};

static struct target *targets;
static size_t nr_targets;
static int home_fd = -1;	/* the namespace we started in */
static struct stat home_st;

static void add_target(const char *label, const char *path)
{
	targets = xrealloc(targets, (nr_targets + 1) * sizeof(*targets));
	targets[nr_targets].label = xstrdup(label);
	targets[nr_targets].path = path ? xstrdup(path) : NULL;
	nr_targets++;
}

/* Names as ip netns accepts them: not empty, no '/', not . or .. */
static int valid_netns_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < NAME_MAX;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The names in /run/netns, sorted; *CUR is set to the one that is the
 * namespace we run in, if any (its bind mount has our netns inode).
 */
static char **list_netns(size_t *n, char **cur)
{
	char **names = NULL, path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	*n = 0;
	*cur = NULL;
	d = opendir(NETNS_RUN_DIR);
	if (!d)
		return NULL;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		names = xrealloc(names, (*n + 1) * sizeof(*names));
		names[(*n)++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < *n && !*cur; i++) {
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", names[i]);
		if (!stat(path, &st) && st.st_dev == home_st.st_dev &&
		    st.st_ino == home_st.st_ino)
			*cur = names[i];
	}
	return names;
}

/*
 * Who to read: the current namespace, -n NAME, or (--all) the current one
 * and every named one. The current one is labelled with its name if it has
 * one, else CURRENT_LABEL.
 */
static int collect_targets(const char *name, int all)
{
	char path[PATH_MAX], **names, *cur;
	size_t n, i;

	home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_fd < 0 || fstat(home_fd, &home_st)) {
		fail(EX_SYSTEM, "/proc/self/ns/net: %s", strerror(errno));
		return -1;
	}
	if (name) {
		if (!valid_netns_name(name)) {
			fail(EX_USAGE, "invalid network namespace name '%s'",
			     name);
			return -1;
		}
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", name);
		add_target(name, path);
		return 0;
	}
	names = list_netns(&n, &cur);
	add_target(cur ? cur : CURRENT_LABEL, NULL);
	for (i = 0; all && i < n; i++) {
		if (names[i] == cur)
			continue;
		if (!cur && !strcmp(names[i], CURRENT_LABEL)) {
			fail(EX_NETNS,
			     "skipping the namespace named '%s': that is the label of the current, unnamed one",
			     CURRENT_LABEL);
			continue;
		}
		snprintf(path, sizeof(path), NETNS_RUN_DIR "/%s", names[i]);
		add_target(names[i], path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

/*
 * Enter T's network namespace: from here on, /proc/net and /proc/sys/net
 * opened by this process are that namespace's. *INO is its inode. The
 * reference setns() takes keeps it alive until leave_netns(), even if it is
 * deleted meanwhile.
 */
static int enter_netns(const struct target *t, ino_t *ino)
{
	struct stat st;
	int fd, err;

	if (!t->path) {
		*ino = home_st.st_ino;
		return 0;
	}
	fd = open(t->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT)
			fail(EX_NETNS,
			     "network namespace '%s' does not exist (no %s)",
			     t->label, t->path);
		else
			fail(EX_NETNS, "network namespace '%s': %s: %s",
			     t->label, t->path, strerror(err));
		return -1;
	}
	if (setns(fd, CLONE_NEWNET)) {
		err = errno;
		if (err == EINVAL)
			fail(EX_NETNS,
			     "network namespace '%s': %s is not a network namespace (deleted meanwhile?)",
			     t->label, t->path);
		else
			fail(EX_NETNS, "cannot enter network namespace '%s': %s",
			     t->label, strerror(err));
		close(fd);
		return -1;
	}
	if (fstat(fd, &st)) {
		fail(EX_SYSTEM, "%s: %s", t->path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	*ino = st.st_ino;
	return 0;
}

static void leave_netns(const struct target *t)
{
	/* Failing to come back would read the wrong namespace next: stop. */
	if (t->path && setns(home_fd, CLONE_NEWNET)) {
		fail(EX_SYSTEM, "cannot return to the original namespace: %s",
		     strerror(errno));
		exit(exit_status);
	}
}

/*
 * A file of the module in the namespace we are in. ENOENT means the module
 * is gone or never was in this namespace: say which.
 */
static int read_module_file(const struct target *t, const char *dir,
			    const char *file, char **buf, size_t *len)
{
	char path[PATH_MAX];
	int err;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	err = read_file(path, buf, len);
	if (!err)
		return 0;
	if (err == -ENOENT && access(MODULE_DIR, F_OK))
		fail(EX_NOT_LOADED,
		     "icmp_guard is not loaded (it went while reading namespace '%s')",
		     t->label);
	else if (err == -ENOENT)
		fail(EX_NOT_LOADED, "namespace '%s': no %s", t->label, path);
	else
		fail(EX_SYSTEM, "namespace '%s': %s: %s", t->label, path,
		     strerror(-err));
	return -1;
}

/*
 * Has the module FAM in the namespace we are in? PATH is a file or
 * directory of FAM's. 1: yes (or another error, which reading it will
 * report); 0: no, and FAM was not asked for (-6): leave it out; -1: no,
 * and that is an error, reported. An older module has no IPv6 at all.
 */
static int fam_there(const struct target *t, int fam, const char *path)
{
	if (fam == FAM4 || !access(path, F_OK) || errno != ENOENT)
		return 1;
	if (access(MODULE_DIR, F_OK)) {
		fail(EX_NOT_LOADED,
		     "icmp_guard is not loaded (it went while reading namespace '%s')",
		     t->label);
		return -1;
	}
	if (fam_want[fam] != WANT_YES)
		return 0;
	fail(EX_FORMAT,
	     "namespace '%s': the loaded icmp_guard has no %s support (no %s): it is older than its ND Redirect guard; -6 needs a newer module",
	     t->label, families[fam].name, path);
	return -1;
}

/* ------------------------------------------------------------------------
 * /proc/net/icmp_guard/stats
 */

enum { COUNTER, GAUGE };

struct stat_entry {
	char name[64];
	uint64_t value;
	int kind;
	const char *help;	/* NULL for a name this tool does not know */
};

/* One family's counters in one namespace. */
struct snap {
	const struct target *t;
	int fam;
	ino_t ino;
	int ok;			/* read (else not asked for, or not there) */
	size_t n;
	struct stat_entry *e;
	struct timespec when;	/* CLOCK_MONOTONIC */
};

/* A namespace's: ok if every family asked for was read, or left out. */
struct ns_snap {
	const struct target *t;
	ino_t ino;
	int ok;
	struct snap f[NR_FAMS];
};

static void snap_free(struct snap *s)
{
	free(s->e);
	s->e = NULL;
	s->n = 0;
	s->ok = 0;
}

static void ns_snap_free(struct ns_snap *s)
{
	int fam;

	for (fam = 0; fam < NR_FAMS; fam++)
		snap_free(&s->f[fam]);
	s->ok = 0;
}

static const struct stat_entry *snap_find(const struct snap *s,
					  const char *name)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->e[i].name, name))
			return &s->e[i];
	return NULL;
}

/*
 * Every line "Name Value\n": Name [A-Za-z][A-Za-z0-9]*, Value a u64, no name
 * twice, every counter of 0.2.0 and Senders present (in stats6, every
 * counter this tool knows). Anything else is a format this tool does not
 * understand: refuse the whole file rather than show part of it.
 */
static int parse_stats(const struct target *t, const char *path, char *buf,
		       size_t len, struct snap *s)
{
	size_t line = 0, i, nlen;
	char *p = buf, *nl, *sp;
	int after_gauge = 0;
	struct stat_entry *e;

	if (!len) {
		fail(EX_FORMAT, "namespace '%s': %s is empty", t->label, path);
		return -1;
	}
	while (p < buf + len) {
		line++;
		nl = memchr(p, '\n', buf + len - p);
		if (!nl) {
			fail(EX_FORMAT,
			     "namespace '%s': %s line %zu: no end of line (truncated?)",
			     t->label, path, line);
			return -1;
		}
		*nl = '\0';
		sp = strchr(p, ' ');
		nlen = sp ? (size_t)(sp - p) : 0;
		s->e = xrealloc(s->e, (s->n + 1) * sizeof(*s->e));
		e = &s->e[s->n];
		if (!sp || !valid_stat_name(p, nlen) ||
		    !parse_u64(sp + 1, (size_t)(nl - sp - 1), &e->value)) {
			fail(EX_FORMAT,
			     "namespace '%s': %s line %zu: not 'Name Value': '%.80s'",
			     t->label, path, line, p);
			return -1;
		}
		memcpy(e->name, p, nlen);
		e->name[nlen] = '\0';
		if (snap_find(s, e->name)) {
			fail(EX_FORMAT, "namespace '%s': %s line %zu: %s twice",
			     t->label, path, line, e->name);
			return -1;
		}
		e->help = NULL;
		e->kind = after_gauge ? GAUGE : COUNTER;
		if (!strcmp(e->name, GAUGE_SENDERS)) {
			e->kind = GAUGE;
			e->help = HELP_SENDERS;
			after_gauge = 1;
		}
		for (i = 0; i < NR_KNOWN_COUNTERS; i++) {
			if (!strcmp(e->name, known_counters[i].name)) {
				e->kind = COUNTER;
				e->help = s->fam == FAM6 ?
					  known_counters[i].help6 :
					  known_counters[i].help;
			}
		}
		s->n++;
		p = nl + 1;
	}
	for (i = 0; i <= NR_KNOWN_COUNTERS; i++) {
		const char *want = i < NR_KNOWN_COUNTERS ?
				   known_counters[i].name : GAUGE_SENDERS;

		if (i < NR_KNOWN_COUNTERS && s->fam == FAM4 &&
		    is_later_counter(want))
			continue;
		if (!snap_find(s, want)) {
			fail(EX_FORMAT,
			     "namespace '%s': %s has no %s: not the format of icmp_guard %u.%u.%u or later",
			     t->label, path, want, min_version[0],
			     min_version[1], min_version[2]);
			return -1;
		}
	}
	return 0;
}

/*
 * Read T's counters of every family asked for into S, in one visit to its
 * namespace (S->ok says whether it worked).
 */
static void take_snap(const struct target *t, struct ns_snap *s)
{
	char *buf, path[PATH_MAX];
	struct snap *f;
	size_t len;
	int fam, there;

	memset(s, 0, sizeof(*s));
	s->t = t;
	for (fam = 0; fam < NR_FAMS; fam++) {
		s->f[fam].t = t;
		s->f[fam].fam = fam;
	}
	if (enter_netns(t, &s->ino))
		return;
	s->ok = 1;
	for (fam = 0; fam < NR_FAMS && s->ok; fam++) {
		f = &s->f[fam];
		f->ino = s->ino;
		if (fam_want[fam] == WANT_NO)
			continue;
		snprintf(path, sizeof(path), "%s/%s", proc_dir(),
			 families[fam].stats);
		there = fam_there(t, fam, path);
		if (there <= 0) {
			s->ok = !there;
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &f->when);
		if (read_module_file(t, proc_dir(), families[fam].stats, &buf,
				     &len)) {
			s->ok = 0;
			continue;
		}
		f->ok = !parse_stats(t, path, buf, len, f);
		s->ok = f->ok;
		free(buf);
	}
	leave_netns(t);
	if (!s->ok)
		ns_snap_free(s);
}

/* ------------------------------------------------------------------------
 * Output of several namespaces
 */

static int opt_json, opt_all;

/* Labels must be UTF-8 where they are quoted into JSON or Prometheus. */
static int label_ok(const struct target *t)
{
	if (utf8_valid(t->label))
		return 1;
	fail(EX_NETNS,
	     "the name of a network namespace is not UTF-8 and cannot be written as JSON or a Prometheus label");
	return 0;
}

static void json_ns_head(FILE *f, const struct target *t, ino_t ino)
{
	fputs("{\"netns\":", f);
	json_str(f, t->label);
	fprintf(f, ",\"netns_inode\":%ju", (uintmax_t)ino);
}

/* Several namespaces in text: a heading line before each. */
static void text_ns_head(FILE *f, const struct target *t, ino_t ino)
{
	if (opt_all)
		fprintf(f, "netns %s (inode %ju)\n", t->label, (uintmax_t)ino);
}

/*
 * FAM's part of a JSON object: IPv4's keys are the object's own, IPv6's
 * are in an object of its own. Returns what goes before the first key.
 */
static const char *json_fam_open(FILE *f, int fam)
{
	if (!families[fam].json_key)
		return ",";
	fputc(',', f);
	json_str(f, families[fam].json_key);
	fputs(":{", f);
	return "";
}

static void json_fam_close(FILE *f, int fam)
{
	if (families[fam].json_key)
		fputc('}', f);
}

/* One family's part of print_stats(). */
static void print_fam_stats(FILE *f, const struct snap *cur,
			    const struct snap *prev, double seconds)
{
	const char *prefix = families[cur->fam].prefix, *sep;
	const struct stat_entry *p;
	uint64_t v;
	size_t i;
	int kind;

	if (opt_json) {
		sep = json_fam_open(f, cur->fam);
		if (seconds >= 0) {
			fprintf(f, "%s\"seconds\":%.3f", sep, seconds);
			sep = ",";
		}
		for (kind = COUNTER; kind <= GAUGE; kind++) {
			int one = 1;

			fprintf(f, "%s\"%s\":{", sep,
				kind == COUNTER ? "counters" : "gauges");
			sep = ",";
			for (i = 0; i < cur->n; i++) {
				if (cur->e[i].kind != kind)
					continue;
				v = cur->e[i].value;
				p = prev ? snap_find(prev, cur->e[i].name) :
					   NULL;
				if (p && kind == COUNTER)
					v -= p->value;
				fputs(one ? "" : ",", f);
				one = 0;
				json_str(f, cur->e[i].name);
				fprintf(f, ":%" PRIu64, v);
			}
			fputc('}', f);
		}
		json_fam_close(f, cur->fam);
		return;
	}
	for (i = 0; i < cur->n; i++) {
		v = cur->e[i].value;
		p = prev ? snap_find(prev, cur->e[i].name) : NULL;
		if (p && cur->e[i].kind == COUNTER)
			v -= p->value;
		if (prev && !v)
			continue;
		fprintf(f, "%s%-*s %" PRIu64 "\n", prefix,
			24 - (int)strlen(prefix), cur->e[i].name, v);
	}
}

/*
 * The counters of CUR, or their change since PREV when PREV is given
 * (gauges are always their current value), each family read. SECONDS,
 * per family, is the interval, or negative; NULL: none. In text, a delta
 * hides what did not change, as nstat does.
 */
static void print_stats(FILE *f, const struct ns_snap *cur,
			const struct ns_snap *prev, const double *seconds)
{
	int fam;

	if (opt_json)
		json_ns_head(f, cur->t, cur->ino);
	else
		text_ns_head(f, cur->t, cur->ino);
	for (fam = 0; fam < NR_FAMS; fam++)
		if (cur->f[fam].ok)
			print_fam_stats(f, &cur->f[fam],
					prev ? &prev->f[fam] : NULL,
					seconds ? seconds[fam] : -1);
	if (opt_json)
		fputc('}', f);
}

/*
 * May PREV be subtracted from CUR? Not if a counter went back: the module
 * was reloaded, or the namespace is another one with a recycled inode.
 * Counters new in CUR count from zero.
 */
static int snap_comparable(const struct snap *cur, const struct snap *prev)
{
	const struct stat_entry *p;
	size_t i;

	if (cur->ino != prev->ino)
		return 0;
	for (i = 0; i < cur->n; i++) {
		p = snap_find(prev, cur->e[i].name);
		if (cur->e[i].kind == COUNTER && p &&
		    p->value > cur->e[i].value)
			return 0;
	}
	return 1;
}

static int ns_snap_comparable(const struct ns_snap *cur,
			      const struct ns_snap *prev)
{
	int fam;

	for (fam = 0; fam < NR_FAMS; fam++)
		if (!snap_comparable(&cur->f[fam], &prev->f[fam]))
			return 0;
	return cur->ino == prev->ino;
}

static const char went_back[] =
	"counters went back (module reloaded or namespace recreated)";

static double ts_diff(const struct timespec *a, const struct timespec *b)
{
	return (double)(a->tv_sec - b->tv_sec) +
	       (double)(a->tv_nsec - b->tv_nsec) / 1e9;
}

/* Flush stdout and report a failed write (a full disk, a closed pipe). */
static void flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		fail(EX_SYSTEM, "writing the output: %s", strerror(errno));
		exit(exit_status);
	}
}

/*
 * The whole output is built in memory, one part per namespace, and a part
 * is added only once its namespace was read without error: a JSON document
 * is always whole, an export file is written only if every part is there.
 */
struct doc {
	FILE *f;
	char *buf;
	size_t len;
	size_t parts;
};

static FILE *mem_open(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f) {
		fail(EX_SYSTEM, "out of memory");
		exit(EX_SYSTEM);
	}
	return f;
}

static void doc_open(struct doc *d)
{
	memset(d, 0, sizeof(*d));
	d->f = mem_open(&d->buf, &d->len);
	if (opt_json)
		fputc('[', d->f);
}

/*
 * Add a part (and free it): JSON array elements, text blocks. BUF and LEN
 * are those of the part's open_memstream(), valid once it is closed.
 */
static void doc_add(struct doc *d, FILE *part, char **buf, size_t *len)
{
	fclose(part);
	if (d->parts && opt_json)
		fputc(',', d->f);
	else if (d->parts && opt_all)
		fputc('\n', d->f);
	fwrite(*buf, 1, *len, d->f);
	d->parts++;
	free(*buf);
}

static void doc_drop(FILE *part, char **buf)
{
	fclose(part);
	free(*buf);
}

/* Close D and write it to stdout. */
static void doc_print(struct doc *d)
{
	if (opt_json)
		fputs("]\n", d->f);
	fclose(d->f);
	fwrite(d->buf, 1, d->len, stdout);
	free(d->buf);
	flush_stdout();
}

/* ------------------------------------------------------------------------
 * status: the module's version and this namespace's sysctls
 */

/* One sysctl: a decimal int and a newline, as proc_dointvec writes it. */
static int read_knob(const struct target *t, const char *dir,
		     const char *name, long long *v)
{
	char path[PATH_MAX], *buf;
	size_t len;

	if (read_module_file(t, dir, name, &buf, &len))
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!len || buf[len - 1] != '\n' || !parse_int(buf, len - 1, v)) {
		fail(EX_FORMAT, "namespace '%s': %s: not an integer: '%.40s'",
		     t->label, path, buf);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

static int is_known_knob(int fam, const char *name)
{
	size_t i;

	for (i = 0; i < families[fam].nr_knobs; i++)
		if (!strcmp(name, families[fam].knobs[i]))
			return 1;
	return 0;
}

/*
 * FAM's sysctls: those it knows in their order (all must be there), then
 * any newer one in name order, passed through if it is an integer too.
 * Nothing if FAM is left out (an older module without IPv6).
 */
static int status_fam(const struct target *t, int fam, FILE *f)
{
	const struct family *fm = &families[fam];
	char **names = NULL;
	size_t n = 0, i;
	long long v;
	struct dirent *de;
	const char *sep = "";
	DIR *d;
	int ret = -1, there;

	there = fam_there(t, fam, fm->sysctl_dir);
	if (there <= 0)
		return there;
	d = opendir(fm->sysctl_dir);
	if (!d) {
		int err = errno;

		if (access(MODULE_DIR, F_OK))
			fail(EX_NOT_LOADED,
			     "icmp_guard is not loaded (it went while reading namespace '%s')",
			     t->label);
		else
			fail(err == ENOENT ? EX_NOT_LOADED : EX_SYSTEM,
			     "namespace '%s': %s: %s", t->label,
			     fm->sysctl_dir, strerror(err));
		return -1;
	}
	for (i = 0; i < fm->nr_knobs; i++) {
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(fm->knobs[i]);
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || is_known_knob(fam, de->d_name))
			continue;
		if (strspn(de->d_name, "abcdefghijklmnopqrstuvwxyz0123456789_")
		    != strlen(de->d_name)) {
			fail(EX_FORMAT, "namespace '%s': unexpected sysctl '%s'",
			     t->label, de->d_name);
			goto out;
		}
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	if (n > fm->nr_knobs)
		qsort(names + fm->nr_knobs, n - fm->nr_knobs, sizeof(*names),
		      cmp_str);

	if (opt_json)
		sep = json_fam_open(f, fam);
	for (i = 0; i < n; i++) {
		if (read_knob(t, fm->sysctl_dir, names[i], &v))
			goto out;
		if (opt_json) {
			if (!i && (v < 0 || v > 3))
				fprintf(f, "%s\"policy\":null", sep);
			else if (!i)
				fprintf(f, "%s\"policy\":\"%s\"", sep,
					policy_names[v]);
			fputs(i ? "," : ",\"sysctl\":{", f);
			json_str(f, names[i]);
			fprintf(f, ":%lld", v);
		} else if (!i) {
			fprintf(f, "%s%-*s %lld (%s)\n", fm->prefix,
				fm->width - (int)strlen(fm->prefix), names[i],
				v, v >= 0 && v <= 3 ? policy_names[v] :
				"unknown");
		} else {
			fprintf(f, "%s%-*s %lld\n", fm->prefix,
				fm->width - (int)strlen(fm->prefix), names[i],
				v);
		}
	}
	if (opt_json) {
		fputc('}', f);
		json_fam_close(f, fam);
	}
	ret = 0;
out:
	closedir(d);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return ret;
}

/* The module's version, then each family's sysctls. */
static int status_one(const struct target *t, FILE *f, ino_t ino)
{
	int fam;

	if (opt_json) {
		json_ns_head(f, t, ino);
		fputs(",\"module_version\":", f);
		json_str(f, module_version);
	} else {
		fprintf(f, "%-20s %s (inode %ju)\n", "netns", t->label,
			(uintmax_t)ino);
		fprintf(f, "%-20s %s\n", "module", module_version);
	}
	for (fam = 0; fam < NR_FAMS; fam++)
		if (fam_want[fam] != WANT_NO && status_fam(t, fam, f))
			return -1;
	if (opt_json)
		fputc('}', f);
	return 0;
}

/*
 * Print ONE's report of every target namespace, as one document: those
 * that could not be entered or read are left out (ONE has said why).
 */
static void print_each(int (*one)(const struct target *t, FILE *f,
				  ino_t ino))
{
	struct doc d;
	size_t i, len;
	char *buf;
	FILE *part;
	ino_t ino;

	doc_open(&d);
	for (i = 0; i < nr_targets; i++) {
		if ((opt_json && !label_ok(&targets[i])) ||
		    enter_netns(&targets[i], &ino))
			continue;
		part = mem_open(&buf, &len);
		if (!one(&targets[i], part, ino))
			doc_add(&d, part, &buf, &len);
		else
			doc_drop(part, &buf);
		leave_netns(&targets[i]);
	}
	doc_print(&d);
}

static void cmd_status(void)
{
	print_each(status_one);
}

/* ------------------------------------------------------------------------
 * senders
 */

/* A MAC address as %pM prints it: six lower-case hex pairs and colons. */
static int valid_mac(const char *s, size_t len)
{
	size_t i;

	if (len != 17)
		return 0;
	for (i = 0; i < 17; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i % 3 == 2 ? c != ':' : !isxdigit(c) || isupper(c))
			return 0;
	}
	return 1;
}

/* A dotted quad as %pI4 prints it: 0-255, no leading zeros. */
static int valid_ipv4(const char *s, size_t len)
{
	size_t i = 0, start;
	uint64_t v;
	int dots;

	for (dots = 0; dots < 4; dots++) {
		start = i;
		while (i < len && s[i] != '.')
			i++;
		if (!parse_u64(s + start, i - start, &v) || v > 255)
			return 0;
		if (dots < 3 && (i >= len || s[i++] != '.'))
			return 0;
	}
	return i == len;
}

/* A sender's address: IPv4 dotted quad, or IPv6 as the module prints it. */
static int valid_addr(const char *s, size_t len)
{
	struct in6_addr a;

	if (valid_ipv4(s, len))
		return 1;
	return len < INET6_ADDRSTRLEN && strchr(s, ':') &&
	       inet_pton(AF_INET6, s, &a) == 1;
}

/* Split LINE (NUL-terminated, no newline) at single spaces. */
static size_t split_fields(char *line, char ***fields)
{
	size_t n = 0;
	char *p = line, *sp;

	for (;;) {
		*fields = xrealloc(*fields, (n + 1) * sizeof(**fields));
		(*fields)[n++] = p;
		sp = strchr(p, ' ');
		if (!sp)
			return n;
		*sp = '\0';
		p = sp + 1;
	}
}

/*
 * The header must start with the columns of 0.2.0; later columns are
 * passed through as strings. Every row has as many fields as the header,
 * each known one valid. The table is both families': -4 or -6 alone shows
 * that family's senders (-6 wants a module with IPv6: one with stats6).
 */
static int senders_one(const struct target *t, FILE *f, ino_t ino)
{
	char path[PATH_MAX], *buf, *p, *nl, **hdr = NULL, **fld = NULL;
	char shown[81] = "";
	size_t len, ncols = 0, n, i, line = 0, rows = 0;
	int ret = -1;
	uint64_t v;

	snprintf(path, sizeof(path), "%s/%s", proc_dir(),
		 families[FAM6].stats);
	if (fam_there(t, FAM6, path) < 0)
		return -1;
	if (read_module_file(t, proc_dir(), "senders", &buf, &len))
		return -1;
	snprintf(path, sizeof(path), "%s/senders", proc_dir());
	for (p = buf; p < buf + len; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', buf + len - p);
		if (!nl) {
			fail(EX_FORMAT,
			     "namespace '%s': %s line %zu: no end of line (truncated?)",
			     t->label, path, line);
			goto out;
		}
		*nl = '\0';
		snprintf(shown, sizeof(shown), "%s", p);
		if (!utf8_valid(p))
			goto bad;
		if (line == 1) {
			ncols = split_fields(p, &hdr);
			for (i = 0; i < ncols; i++)
				if (!valid_stat_name(hdr[i], strlen(hdr[i])) ||
				    (i < NR_SENDER_COLS &&
				     strcmp(hdr[i], sender_cols[i])))
					goto bad_header;
			if (ncols < NR_SENDER_COLS)
				goto bad_header;
			if (opt_json) {
				json_ns_head(f, t, ino);
				fputs(",\"senders\":[", f);
			} else {
				text_ns_head(f, t, ino);
				fprintf(f, "%-15s %-17s %10s %10s %10s %10s",
					hdr[0], hdr[1], hdr[2], hdr[3], hdr[4],
					hdr[5]);
				for (i = NR_SENDER_COLS; i < ncols; i++)
					fprintf(f, " %s", hdr[i]);
				fputc('\n', f);
			}
			continue;
		}
		n = split_fields(p, &fld);
		if (n != ncols || !valid_addr(fld[0], strlen(fld[0])) ||
		    !valid_mac(fld[1], strlen(fld[1])))
			goto bad;
		for (i = 2; i < NR_SENDER_COLS; i++)
			if (!parse_u64(fld[i], strlen(fld[i]), &v))
				goto bad;
		for (i = NR_SENDER_COLS; i < ncols; i++)
			if (!*fld[i])
				goto bad;
		if (fam_want[valid_ipv4(fld[0], strlen(fld[0])) ? FAM4 :
			     FAM6] == WANT_NO)
			continue;
		if (!opt_json) {
			fprintf(f, "%-15s %-17s %10s %10s %10s %10s", fld[0],
				fld[1], fld[2], fld[3], fld[4], fld[5]);
			for (i = NR_SENDER_COLS; i < ncols; i++)
				fprintf(f, " %s", fld[i]);
			fputc('\n', f);
			continue;
		}
		fputs(rows++ ? ",{" : "{", f);
		for (i = 0; i < ncols; i++) {
			if (i)
				fputc(',', f);
			json_str(f, i < NR_SENDER_COLS ? sender_keys[i] :
				    hdr[i]);
			fputc(':', f);
			if (i >= 2 && i < NR_SENDER_COLS)
				fputs(fld[i], f);
			else
				json_str(f, fld[i]);
		}
		fputc('}', f);
	}
	if (!line) {
		fail(EX_FORMAT, "namespace '%s': %s is empty", t->label, path);
		goto out;
	}
	if (opt_json)
		fputs("]}", f);
	ret = 0;
	goto out;
bad_header:
	fail(EX_FORMAT,
	     "namespace '%s': %s: header is not that of icmp_guard %u.%u.%u or later",
	     t->label, path, min_version[0], min_version[1], min_version[2]);
	goto out;
bad:
	fail(EX_FORMAT, "namespace '%s': %s line %zu: malformed: '%s'",
	     t->label, path, line, shown);
out:
	free(hdr);
	free(fld);
	free(buf);
	return ret;
}

static void cmd_senders(void)
{
	print_each(senders_one);
}

/* ------------------------------------------------------------------------
 * stats, stats --delta, stats --watch
 */

static void cmd_stats(void)
{
	struct ns_snap s;
	struct doc d;
	size_t i, len;
	char *buf;
	FILE *part;

	doc_open(&d);
	for (i = 0; i < nr_targets; i++) {
		if (opt_json && !label_ok(&targets[i]))
			continue;
		take_snap(&targets[i], &s);
		if (!s.ok)
			continue;
		part = mem_open(&buf, &len);
		print_stats(part, &s, NULL, NULL);
		doc_add(&d, part, &buf, &len);
		ns_snap_free(&s);
	}
	doc_print(&d);
}

/*
 * --delta keeps the last snapshot of each namespace, as nstat keeps its
 * history: in ICMP_GUARD_STATE_DIR, else $XDG_RUNTIME_DIR/icmp-guard, else
 * (root) /run/icmp-guard; one file per namespace inode and family
 * (netns-INODE for IPv4, as before IPv6, netns6-INODE for IPv6). Both are
 * on tmpfs and gone after a reboot, as the counters are.
 */
static char *state_dir(void)
{
	const char *env = getenv("ICMP_GUARD_STATE_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	char *dir = NULL;

	if (env && *env)
		dir = xstrdup(env);
	else if (xdg && *xdg && asprintf(&dir, "%s/icmp-guard", xdg) < 0)
		dir = NULL;
	else if (!(xdg && *xdg) && geteuid() == 0)
		dir = xstrdup("/run/icmp-guard");
	if (!dir) {
		fail(EX_SYSTEM,
		     "--delta needs a directory for its snapshots: set XDG_RUNTIME_DIR or ICMP_GUARD_STATE_DIR");
		return NULL;
	}
	if (mkdir(dir, 0700) && errno != EEXIST) {
		fail(EX_SYSTEM, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * The snapshot file: "icmp-guard-state 1 INODE SEC.NSEC" (CLOCK_BOOTTIME;
 * icmp-guard-state6 for IPv6), then the "Name Value" lines. One that does
 * not parse is ignored with a note: it only costs one delta.
 */
static int load_state(const char *path, int fam, ino_t ino,
		      struct snap *prev, struct timespec *when)
{
	char *buf, *p, *nl, *sp, magic[32];
	uintmax_t file_ino;
	long long sec, nsec;
	struct stat_entry *e;
	size_t len;
	int err, used;

	memset(prev, 0, sizeof(*prev));
	prev->fam = fam;
	err = read_file(path, &buf, &len);
	if (err == -ENOENT)
		return -1;
	if (err) {
		note("ignoring %s: %s", path, strerror(-err));
		return -1;
	}
	used = 0;
	snprintf(magic, sizeof(magic), "%s ", families[fam].state_magic);
	if (strncmp(buf, magic, strlen(magic)) ||
	    sscanf(buf + strlen(magic), "1 %ju %lld.%9lld\n%n", &file_ino,
		   &sec, &nsec, &used) != 3 || !used || file_ino != ino)
		goto bad;
	used += (int)strlen(magic);
	when->tv_sec = sec;
	when->tv_nsec = nsec;
	for (p = buf + used; p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', buf + len - p);
		if (!nl)
			goto bad;
		*nl = '\0';
		sp = strchr(p, ' ');
		prev->e = xrealloc(prev->e, (prev->n + 1) * sizeof(*prev->e));
		e = &prev->e[prev->n];
		if (!sp || !valid_stat_name(p, (size_t)(sp - p)) ||
		    !parse_u64(sp + 1, (size_t)(nl - sp - 1), &e->value))
			goto bad;
		memcpy(e->name, p, (size_t)(sp - p));
		e->name[sp - p] = '\0';
		e->kind = COUNTER;
		prev->n++;
	}
	free(buf);
	prev->ino = ino;
	prev->ok = 1;
	return 0;
bad:
	note("ignoring %s: not a snapshot of this tool", path);
	free(buf);
	snap_free(prev);
	return -1;
}

static void save_state(const char *path, const struct snap *s)
{
	struct timespec now;
	char *buf;
	size_t len, i;
	FILE *f;
	int err;

	clock_gettime(CLOCK_BOOTTIME, &now);
	f = mem_open(&buf, &len);
	fprintf(f, "%s 1 %ju %lld.%09ld\n", families[s->fam].state_magic,
		(uintmax_t)s->ino, (long long)now.tv_sec, now.tv_nsec);
	for (i = 0; i < s->n; i++)
		fprintf(f, "%s %" PRIu64 "\n", s->e[i].name, s->e[i].value);
	fclose(f);
	err = replace_file(path, buf, len, 0600);
	if (err)
		fail(EX_SYSTEM, "%s: %s", path, strerror(-err));
	free(buf);
}

static void cmd_delta(void)
{
	double seconds[NR_FAMS];
	struct timespec then, now;
	struct ns_snap s, prev;
	char *dir, *path[NR_FAMS];
	struct doc d;
	size_t i, len;
	char *buf;
	FILE *part;
	int fam;

	dir = state_dir();
	if (!dir)
		return;
	doc_open(&d);
	for (i = 0; i < nr_targets; i++) {
		if (opt_json && !label_ok(&targets[i]))
			continue;
		take_snap(&targets[i], &s);
		if (!s.ok)
			continue;
		memset(&prev, 0, sizeof(prev));
		for (fam = 0; fam < NR_FAMS; fam++) {
			path[fam] = NULL;
			seconds[fam] = -1;
			if (!s.f[fam].ok)
				continue;
			if (asprintf(&path[fam], "%s/%s%ju", dir,
				     families[fam].state_file,
				     (uintmax_t)s.ino) < 0) {
				fail(EX_SYSTEM, "out of memory");
				exit(EX_SYSTEM);
			}
			if (!load_state(path[fam], fam, s.ino, &prev.f[fam],
					&then)) {
				clock_gettime(CLOCK_BOOTTIME, &now);
				seconds[fam] = ts_diff(&now, &then);
				if (!snap_comparable(&s.f[fam], &prev.f[fam]) ||
				    seconds[fam] < 0) {
					note("namespace '%s': %s%s since the last snapshot: changes since zero",
					     targets[i].label,
					     fam == FAM4 ? "" : "IPv6 ",
					     went_back);
					snap_free(&prev.f[fam]);
					seconds[fam] = -1;
				}
			}
			/* No snapshot: the changes since zero. */
			prev.f[fam].ok = 1;
		}
		part = mem_open(&buf, &len);
		print_stats(part, &s, &prev, seconds);
		doc_add(&d, part, &buf, &len);
		for (fam = 0; fam < NR_FAMS; fam++) {
			if (path[fam])
				save_state(path[fam], &s.f[fam]);
			free(path[fam]);
		}
		ns_snap_free(&prev);
		ns_snap_free(&s);
	}
	doc_print(&d);
	free(dir);
}

static void sleep_seconds(double sec)
{
	struct timespec ts = {
		.tv_sec = (time_t)sec,
		.tv_nsec = (long)((sec - (double)(time_t)sec) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * Every SEC seconds, the change of each namespace's counters over that
 * interval, until COUNT intervals (0: until interrupted). Namespaces are
 * entered by name at every interval: one deleted meanwhile is an error, one
 * recreated under its name starts again. In JSON, one array per line.
 */
static void cmd_watch(double sec, unsigned long count)
{
	struct ns_snap *prev, cur;
	double seconds[NR_FAMS];
	unsigned long k;
	char stamp[64];
	struct doc d;
	size_t i, len;
	struct tm tm;
	time_t now;
	char *buf;
	FILE *part;
	int fam;

	prev = xrealloc(NULL, nr_targets * sizeof(*prev));
	for (i = 0; i < nr_targets; i++) {
		if (opt_json && !label_ok(&targets[i]))
			memset(&prev[i], 0, sizeof(prev[i]));
		else
			take_snap(&targets[i], &prev[i]);
	}
	for (k = 0; !count || k < count; k++) {
		sleep_seconds(sec);
		doc_open(&d);
		if (!opt_json) {
			now = time(NULL);
			localtime_r(&now, &tm);
			strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S%z",
				 &tm);
			fprintf(d.f, "# %s\n", stamp);
		}
		for (i = 0; i < nr_targets; i++) {
			if (opt_json && !label_ok(&targets[i]))
				continue;
			take_snap(&targets[i], &cur);
			if (!cur.ok)
				continue;
			if (!prev[i].ok ||
			    !ns_snap_comparable(&cur, &prev[i])) {
				note("namespace '%s': %s: changes from the next interval",
				     targets[i].label, prev[i].ok ? went_back :
				     "first read");
				ns_snap_free(&prev[i]);
				prev[i] = cur;
				continue;
			}
			for (fam = 0; fam < NR_FAMS; fam++)
				seconds[fam] = ts_diff(&cur.f[fam].when,
						       &prev[i].f[fam].when);
			part = mem_open(&buf, &len);
			print_stats(part, &cur, &prev[i], seconds);
			doc_add(&d, part, &buf, &len);
			ns_snap_free(&prev[i]);
			prev[i] = cur;
		}
		doc_print(&d);
	}
	for (i = 0; i < nr_targets; i++)
		ns_snap_free(&prev[i]);
	free(prev);
}

/* ------------------------------------------------------------------------
 * export --prometheus FILE
 */

/*
 * DropLladdr of stats -> icmp_guard_drop_lladdr_total, of stats6 ->
 * icmp_guard_ipv6_drop_lladdr_total; a gauge has no _total. Senders, the
 * limiter's and the same in both files, is icmp_guard_senders in both.
 */
static void metric_name(char *out, size_t size, int fam,
			const struct stat_entry *e)
{
	char snake[128];

	if (!strcmp(e->name, GAUGE_SENDERS))
		fam = FAM4;
	snake_case(snake, sizeof(snake), e->name);
	snprintf(out, size, "%s%s%s", families[fam].metric, snake,
		 e->kind == COUNTER ? "_total" : "");
}

/*
 * The entry of S whose metric is NAME, the first family's if both have it
 * (Senders). *DUP is set if another entry has that metric too and is not
 * the other family's Senders: two names that would be one metric.
 */
static const struct stat_entry *find_metric(const struct ns_snap *s,
					    const char *name, int *dup)
{
	const struct stat_entry *found = NULL;
	char m[160];
	size_t j;
	int fam;

	for (fam = 0; fam < NR_FAMS; fam++) {
		for (j = 0; j < s->f[fam].n; j++) {
			const struct stat_entry *e = &s->f[fam].e[j];

			metric_name(m, sizeof(m), fam, e);
			if (strcmp(m, name))
				continue;
			if (found && !(fam == FAM6 &&
				       !strcmp(e->name, GAUGE_SENDERS) &&
				       !strcmp(found->name, GAUGE_SENDERS)))
				*dup = 1;
			if (!found)
				found = e;
		}
	}
	return found;
}

/*
 * Metric NAME, whose first sample is E of namespace FIRST: its HELP, TYPE
 * and the sample of every namespace from FIRST on that has it.
 */
static int export_metric(FILE *f, const char *file, const char *name,
			 int fam, const struct stat_entry *e,
			 const struct ns_snap *snaps, size_t first)
{
	const struct stat_entry *o;
	int dup = 0;
	size_t k;

	fprintf(f, "# HELP %s ", name);
	if (e->help)
		prom_escape(f, e->help, 0);
	else
		fprintf(f, "icmp_guard's %s%s (new to this tool).",
			fam == FAM4 ? "" : "IPv6 ", e->name);
	fprintf(f, "\n# TYPE %s %s\n", name,
		e->kind == COUNTER ? "counter" : "gauge");
	for (k = first; k < nr_targets; k++) {
		o = find_metric(&snaps[k], name, &dup);
		if (dup) {
			fail(EX_FORMAT,
			     "namespace '%s': two counters would be the metric %s; %s not written",
			     snaps[k].t->label, name, file);
			return -1;
		}
		if (!o)
			continue;
		if (o->kind != e->kind) {
			fail(EX_FORMAT,
			     "%s is a counter in one namespace and a gauge in another; %s not written",
			     e->name, file);
			return -1;
		}
		fprintf(f, "%s{netns=\"", name);
		prom_escape(f, snaps[k].t->label, 1);
		fprintf(f, "\"} %" PRIu64 "\n", o->value);
	}
	return 0;
}

/*
 * node_exporter's textfile format: per metric family, HELP and TYPE once,
 * then one sample per namespace with its netns label: IPv4's metrics, then
 * IPv6's, every one with the label netns alone. Written only if every
 * namespace was read; else the old file stays as it was.
 */
static void cmd_export(const char *file)
{
	const struct stat_entry *e;
	struct ns_snap *snaps;
	char name[160], *buf, **done = NULL;
	size_t i, j, k, len, nr_done = 0;
	FILE *f;
	int err, ok = 1, fam;

	snaps = xrealloc(NULL, nr_targets * sizeof(*snaps));
	for (i = 0; i < nr_targets; i++) {
		memset(&snaps[i], 0, sizeof(snaps[i]));
		if (label_ok(&targets[i]))
			take_snap(&targets[i], &snaps[i]);
		ok &= snaps[i].ok;
	}
	if (!ok) {
		fail(EX_SYSTEM, "%s not written", file);
		goto out;
	}
	f = mem_open(&buf, &len);
	/*
	 * Families in the order of the first namespace, then any others',
	 * IPv4's before IPv6's in each.
	 */
	for (i = 0; i < nr_targets; i++) {
		for (fam = 0; fam < NR_FAMS; fam++) {
			for (j = 0; j < snaps[i].f[fam].n; j++) {
				e = &snaps[i].f[fam].e[j];
				metric_name(name, sizeof(name), fam, e);
				for (k = 0; k < nr_done; k++)
					if (!strcmp(done[k], name))
						break;
				if (k < nr_done)
					continue;
				done = xrealloc(done, (nr_done + 1) *
						sizeof(*done));
				done[nr_done++] = xstrdup(name);
				if (export_metric(f, file, name, fam, e, snaps,
						  i))
					goto bad;
			}
		}
	}
	fclose(f);
	err = replace_file(file, buf, len, 0644);
	if (err)
		fail(EX_SYSTEM, "cannot write %s: %s", file, strerror(-err));
	free(buf);
	goto out;
bad:
	fclose(f);
	free(buf);
out:
	for (i = 0; i < nr_done; i++)
		free(done[i]);
	free(done);
	for (i = 0; i < nr_targets; i++)
		ns_snap_free(&snaps[i]);
	free(snaps);
}

/* ------------------------------------------------------------------------
 * main
 */

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: %s [-n NAME | --all] [-4] [-6] COMMAND [options]\n"
		"  status [--json]                      policy, sysctls, module version\n"
		"  stats [--json] [--delta | --watch SEC [--count N]]\n"
		"                                       counters (like nstat)\n"
		"  senders [--json]                     the rate limiter's senders\n"
		"  export --prometheus FILE             node_exporter textfile, atomically\n"
		"options:\n"
		"  -n, --netns NAME   the network namespace /run/netns/NAME (as ip -n)\n"
		"  -a, --all          the current namespace and every named one\n"
		"  -4, --ipv4         IPv4 (ICMP Redirects)\n"
		"  -6, --ipv6         IPv6 (ND Redirects); with -4: both. Default: both\n"
		"                     for status, senders and export, IPv4 for stats\n"
		"  -j, --json         JSON (an array, one object per namespace)\n"
		"  -d, --delta        changes since the last --delta run\n"
		"  -w, --watch SEC    changes every SEC seconds\n"
		"  -c, --count N      stop --watch after N intervals\n"
		"  -p, --prometheus FILE\n"
		"  -V, --version, -h, --help\n"
		"exit status: 0 ok, 1 usage, 2 module not loaded, 3 unsupported\n"
		"version or format, 4 namespace error, 5 other error\n", prog);
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "%s: %s (see %s --help)\n", prog, msg, prog);
	return EX_USAGE;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "ipv4", no_argument, NULL, '4' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "json", no_argument, NULL, 'j' },
		{ "delta", no_argument, NULL, 'd' },
		{ "watch", required_argument, NULL, 'w' },
		{ "count", required_argument, NULL, 'c' },
		{ "prometheus", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ }
	};
	const char *netns = NULL, *prom = NULL, *cmd;
	int c, delta = 0, watch = 0, counted = 0, fam;
	unsigned long count = 0;
	double sec = 0;
	char *end;

	while ((c = getopt_long(argc, argv, "n:a46jdw:c:p:hV", opts,
				NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case '4':
			fam_want[FAM4] = WANT_YES;
			break;
		case '6':
			fam_want[FAM6] = WANT_YES;
			break;
		case 'a':
			opt_all = 1;
			break;
		case 'j':
			opt_json = 1;
			break;
		case 'd':
			delta = 1;
			break;
		case 'w':
			errno = 0;
			sec = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(sec > 0) ||
			    sec > 86400)
				return usage_error("--watch takes seconds, more than 0 and at most 86400");
			watch = 1;
			break;
		case 'c':
			errno = 0;
			count = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || !count ||
			    !isdigit((unsigned char)*optarg))
				return usage_error("--count takes a positive integer");
			counted = 1;
			break;
		case 'p':
			prom = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return EX_OK;
		case 'V':
			printf("icmp-guard %s\n", TOOL_VERSION);
			return EX_OK;
		default:
			fprintf(stderr, "see %s --help\n", prog);
			return EX_USAGE;
		}
	}
	if (optind != argc - 1)
		return usage_error(optind == argc ? "no command" :
				   "one command only");
	cmd = argv[optind];
	if (netns && opt_all)
		return usage_error("-n and --all exclude each other");
	if (strcmp(cmd, "stats") && (delta || watch || counted))
		return usage_error("--delta, --watch and --count are for stats");
	if (delta && watch)
		return usage_error("--delta and --watch exclude each other");
	if (counted && !watch)
		return usage_error("--count goes with --watch");
	if (strcmp(cmd, "export") && prom)
		return usage_error("--prometheus is for export");
	if (!strcmp(cmd, "export") && (!prom || !*prom || opt_json))
		return usage_error("export needs --prometheus FILE (and no --json)");
	if (strcmp(cmd, "status") && strcmp(cmd, "stats") &&
	    strcmp(cmd, "senders") && strcmp(cmd, "export"))
		return usage_error("unknown command");
	/*
	 * Without -4 or -6: both families, IPv6 if the module has it, except
	 * for stats, whose IPv4 and IPv6 counters have the same names: IPv4
	 * alone there, as before IPv6 (and as ip route).
	 */
	for (fam = 0; fam < NR_FAMS && !fam_want[fam]; fam++)
		;
	if (fam == NR_FAMS) {
		fam_want[FAM4] = WANT_YES;
		if (strcmp(cmd, "stats"))
			fam_want[FAM6] = WANT_IF_THERE;
	}

	if (check_module() || collect_targets(netns, opt_all))
		return exit_status;
	if (!strcmp(cmd, "status"))
		cmd_status();
	else if (!strcmp(cmd, "senders"))
		cmd_senders();
	else if (!strcmp(cmd, "export"))
		cmd_export(prom);
	else if (delta)
		cmd_delta();
	else if (watch)
		cmd_watch(sec, count);
	else
		cmd_stats();
	return exit_status;
}
