// SPDX-License-Identifier: GPL-2.0
/*
 * redirect_inject: send crafted IPv4 ICMP Redirects, or IPv6 ND Redirects,
 * through an AF_PACKET socket, with every header field under control, one
 * or a flood of them.
 *
 *   redirect_inject -i eth0 --dst-mac 02:00:00:00:00:01 -s 10.1.0.1 \
 *	-d 10.1.0.10 -g 10.1.0.66 --inner-dst 10.2.0.20 -c 1 -n 1000
 *   redirect_inject -i eth0 --dst-mac 02:00:00:00:00:01 -s fe80::1 \
 *	-d fe80::10 -g fe80::66 --inner-dst 2001:db8:2::20
 *
 * IPv6 is chosen by the addresses: -s, -d, -g (the target), --dest,
 * --inner-src and --inner-dst then take IPv6 addresses.
 *
 * The frame is built by build_frame() from struct opts alone, so that other
 * tools (a fuzzer) can reuse the builder. --selftest checks the checksums
 * of a few built frames without touching the network.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FRAME	2048
#define MAX_FRAGS	64
#define BATCH		64

struct opts {
	const char *iface;
	uint8_t src_mac[6], dst_mac[6];
	bool have_src_mac, have_dst_mac, have_type, have_inner_icmp_type;
	uint32_t src, dst, gw;		/* network order */
	uint8_t type, code;
	uint32_t inner_src, inner_dst;
	bool have_inner_src, have_inner_dst;
	int inner_proto;
	uint8_t inner_icmp_type;
	uint16_t inner_sport, inner_dport;
	uint8_t inner_tos;
	int inner_ihl;
	bool inner_ihl_lie;
	int inner_tot_len;		/* -1: computed */
	int inner_version;
	int inner_payload;
	uint8_t inner_raw[1500];	/* --inner-hex: the datagram as is */
	int inner_raw_len;		/* 0: built from the fields above */
	int outer_ihl;
	uint8_t ttl;
	bool bad_csum, bad_ip_csum;
	int truncate;			/* -1: none */
	bool fix_tot_len;
	int frag;			/* 0: none */
	int frag_rest;			/* 0: as frag */
	unsigned long count;
	unsigned long rate;
	uint32_t rnd_net, rnd_mask;	/* host order; mask 0: off */
	bool random_mac;
	uint64_t seed;
	bool quiet;
	bool fuzz;
	/* IPv6: an ND Redirect (or, with --ra, a Router Advertisement) */
	bool v6;
	bool have_code;
	uint8_t src6[16], dst6[16], target6[16], dest6[16];
	uint8_t inner_src6[16], inner_dst6[16];
	bool have_dest6;
	uint32_t flowlabel;		/* the embedded datagram's */
	uint8_t tlla[6];
	bool have_tlla;
	bool no_rh;			/* no Redirected Header option */
	bool opt_zero;			/* an option of length 0 */
	int opt_over;			/* >0: an option that overruns by N*8 */
	bool hbh;			/* a Hop-by-Hop header before ICMPv6 */
	bool frag_atomic;		/* a Fragment header, offset 0, M=0 */
	int ra;				/* >0: an RA, router lifetime in s */
};

/* ---------------------------------------------------------------- helpers */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	/* splitmix64: fast, deterministic for a given --seed */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint16_t csum(const void *buf, size_t len, uint32_t sum)
{
	const uint8_t *p = buf;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32n(uint8_t *p, uint32_t net)
{
	memcpy(p, &net, 4);
}

/*
 * An IPv4 header of IHL words at P: options are NOPs closed by an EOL.
 * The checksum is left to the caller.
 */
static void ip_header(uint8_t *p, int version, int ihl, int hdr_bytes,
		      uint8_t tos, uint16_t tot_len, uint16_t id,
		      uint16_t frag, uint8_t ttl, uint8_t proto,
		      uint32_t src, uint32_t dst)
{
	p[0] = (version & 15) << 4 | (ihl & 15);
	p[1] = tos;
	put16(p + 2, tot_len);
	put16(p + 4, id);
	put16(p + 6, frag);
	p[8] = ttl;
	p[9] = proto;
	put16(p + 10, 0);
	put32n(p + 12, src);
	put32n(p + 16, dst);
	if (hdr_bytes > 20) {
		memset(p + 20, 1, hdr_bytes - 20);	/* NOP */
		p[hdr_bytes - 1] = 0;			/* EOL */
	}
}

/*
 * The IP packet (outer IP + ICMP + embedded datagram) into BUF; returns
 * its length on the wire (after --truncate).
 */
static size_t build_packet(const struct opts *o, uint8_t *buf, uint32_t src,
			   uint16_t id)
{
	int ohl = o->outer_ihl * 4, ihl_bytes, inner_len, l4 = 8;
	uint8_t *icmp = buf + ohl, *inner, *t;
	uint16_t itot;
	size_t len;

	/* An inner IHL lie changes the field only, not the header's size. */
	ihl_bytes = o->inner_ihl_lie ? 20 : o->inner_ihl * 4;
	inner = icmp + 8;
	inner_len = ihl_bytes + l4 + o->inner_payload;
	itot = o->inner_tot_len >= 0 ? o->inner_tot_len :
	       (uint16_t)(ihl_bytes + 64);
	ip_header(inner, o->inner_version,
		  o->inner_ihl_lie ? o->inner_ihl : ihl_bytes / 4, ihl_bytes,
		  o->inner_tos, itot, 0x1234, 0x4000, 64, o->inner_proto,
		  o->inner_src, o->inner_dst);
	put16(inner + 10, csum(inner, ihl_bytes, 0));

	t = inner + ihl_bytes;
	memset(t, 0, l4 + o->inner_payload);
	if (o->inner_raw_len) {
		/* The caller's datagram, as a router quotes it. */
		inner_len = o->inner_raw_len;
		memcpy(inner, o->inner_raw, inner_len);
		goto icmp;
	}
	switch (o->inner_proto) {
	case IPPROTO_ICMP:
		t[0] = o->inner_icmp_type;
		put16(t + 4, 0x4242);			/* id */
		put16(t + 6, 1);			/* sequence */
		put16(t + 2, csum(t, l4 + o->inner_payload, 0));
		break;
	case IPPROTO_UDP:
		put16(t, o->inner_sport);
		put16(t + 2, o->inner_dport);
		put16(t + 4, itot - ihl_bytes);
		break;
	case IPPROTO_TCP:
		put16(t, o->inner_sport);
		put16(t + 2, o->inner_dport);
		put32n(t + 4, htonl(0x01020304));	/* sequence */
		break;
	case 47:					/* GRE */
		put16(t + 2, 0x0800);
		break;
	}
	for (int i = 0; i < o->inner_payload; i++)
		t[l4 + i] = (uint8_t)i;

icmp:
	icmp[0] = o->type;
	icmp[1] = o->code;
	put16(icmp + 2, 0);
	put32n(icmp + 4, o->gw);
	put16(icmp + 2, csum(icmp, 8 + inner_len, 0));
	if (o->bad_csum)
		icmp[2] ^= 0x5a;

	len = ohl + 8 + inner_len;
	ip_header(buf, 4, o->outer_ihl, ohl, 0, len, id, 0, o->ttl,
		  IPPROTO_ICMP, src, o->dst);
	if (o->truncate >= 0 && (size_t)o->truncate < len) {
		len = o->truncate;
		if (o->fix_tot_len)
			put16(buf + 2, len);
	}
	put16(buf + 10, csum(buf, ohl, 0));
	if (o->bad_ip_csum)
		buf[10] ^= 0x5a;
	return len;
}

/* ---------------------------------------------------------------- IPv6 */

static uint16_t csum6(const uint8_t *src, const uint8_t *dst, const void *p,
		      size_t len)
{
	uint8_t ph[40];

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = len >> 24;
	ph[33] = len >> 16;
	ph[34] = len >> 8;
	ph[35] = len;
	memcpy(ph + 36, "\0\0\0\x3a", 4);	/* next header 58 */
	return csum(p, len, (uint16_t)~csum(ph, 40, 0));
}

static void ip6_header(uint8_t *p, uint32_t flow, uint16_t plen,
		       uint8_t nexthdr, uint8_t hop, const uint8_t *src,
		       const uint8_t *dst)
{
	p[0] = 0x60;
	p[1] = (flow >> 16) & 0x0f;
	p[2] = (flow >> 8) & 0xff;
	p[3] = flow & 0xff;
	put16(p + 4, plen);
	p[6] = nexthdr;
	p[7] = hop;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

/*
 * The IPv6 packet into BUF: the fixed header, optional Hop-by-Hop and
 * Fragment headers, then the ND Redirect: target, destination, a TLLA
 * option, options of a bad length, and the Redirected Header with the
 * embedded datagram (--inner-hex verbatim, or built: IPv6 header, 8 bytes
 * of transport header, --inner-payload bytes). Returns its length.
 */
static size_t build_packet6(const struct opts *o, uint8_t *buf,
			    const uint8_t *src)
{
	uint8_t *p = buf + 40, *icmp, *t, nh = 58;
	size_t len, ilen;

	if (o->hbh) {
		p[0] = 58;
		p[1] = 0;
		memset(p + 2, 0, 6);
		p[2] = 1;	/* PadN of 4 */
		p[3] = 4;
		nh = 0;
		p += 8;
	}
	if (o->frag_atomic) {
		p[0] = 58;
		p[1] = 0;
		put16(p + 2, 0);
		memcpy(p + 4, "\x12\x34\x56\x78", 4);
		if (nh == 0)
			buf[40 + 0] = 44;
		else
			nh = 44;
		p += 8;
	}
	icmp = p;
	memset(icmp, 0, 8);
	icmp[0] = o->type;
	icmp[1] = o->code;
	if (o->ra) {
		icmp[4] = 64;			/* cur hop limit */
		put16(icmp + 6, o->ra);	/* router lifetime */
		memset(icmp + 8, 0, 8);	/* reachable, retrans */
		p = icmp + 16;
		p[0] = 1;			/* SLLA */
		p[1] = 1;
		memcpy(p + 2, o->src_mac, 6);
		p += 8;
		goto done;
	}
	memcpy(icmp + 8, o->target6, 16);
	memcpy(icmp + 24, o->dest6, 16);
	p = icmp + 40;
	if (o->have_tlla) {
		p[0] = 2;
		p[1] = 1;
		memcpy(p + 2, o->tlla, 6);
		p += 8;
	}
	if (o->opt_zero) {
		memset(p, 0, 8);
		p[0] = 2;
		p += 8;
	}
	if (!o->no_rh) {
		uint8_t *rh = p, *inner = p + 8;

		if (o->inner_raw_len) {
			ilen = o->inner_raw_len;
			memcpy(inner, o->inner_raw, ilen);
		} else {
			ilen = 40 + 8 + o->inner_payload;
			t = inner + 40;
			memset(t, 0, 8 + o->inner_payload);
			switch (o->inner_proto) {
			case 58:
				t[0] = o->inner_icmp_type;
				put16(t + 4, 0x4242);
				put16(t + 6, 1);
				break;
			case IPPROTO_UDP:
				put16(t, o->inner_sport);
				put16(t + 2, o->inner_dport);
				put16(t + 4, 8 + o->inner_payload);
				break;
			case IPPROTO_TCP:
				put16(t, o->inner_sport);
				put16(t + 2, o->inner_dport);
				put32n(t + 4, htonl(0x01020304));
				break;
			}
			for (int i = 0; i < o->inner_payload; i++)
				t[8 + i] = (uint8_t)i;
			ip6_header(inner, o->flowlabel, 8 + o->inner_payload,
				   o->inner_proto, 64, o->inner_src6,
				   o->inner_dst6);
			if (o->inner_proto == 58)
				put16(t + 2, csum6(o->inner_src6,
						   o->inner_dst6, t,
						   8 + o->inner_payload));
		}
		/* Padded with zeros to whole 8-byte units. */
		while (ilen % 8)
			inner[ilen++] = 0;
		memset(rh, 0, 8);
		rh[0] = 4;
		rh[1] = (8 + ilen) / 8;
		p = inner + ilen;
	}
	if (o->opt_over) {
		memset(p, 0, 8);
		p[0] = 2;
		p[1] = 1 + o->opt_over;
		p += 8;
	}
done:
	len = p - buf;
	ip6_header(buf, 0, len - 40, nh, o->ttl, src, o->dst6);
	put16(icmp + 2, csum6(src, o->dst6, icmp, p - icmp));
	if (o->bad_csum)
		icmp[2] ^= 0x5a;
	if (o->truncate >= 0 && (size_t)o->truncate < len) {
		len = o->truncate;
		if (o->fix_tot_len && len >= 40)
			put16(buf + 4, len - 40);
	}
	return len;
}

/*
 * IPv6 frames: one, or fragments (--frag): a Fragment header after the
 * fixed one, the first fragment of FRAG bytes of what follows it.
 */
static int build_frames6(const struct opts *o, uint8_t *frames, size_t *lens,
			 const uint8_t *src_mac, const uint8_t *src,
			 uint32_t ident)
{
	uint8_t pkt[MAX_FRAME];
	size_t plen = build_packet6(o, pkt, src), off = 0;
	int n = 0;

	if (!o->frag || plen <= 40) {
		memcpy(frames, o->dst_mac, 6);
		memcpy(frames + 6, src_mac, 6);
		put16(frames + 12, 0x86dd);
		memcpy(frames + 14, pkt, plen);
		lens[0] = 14 + plen;
		return 1;
	}
	while (off < plen - 40 && n < MAX_FRAGS) {
		size_t chunk = plen - 40 - off;
		uint8_t *f = frames + n * MAX_FRAME, *ip = f + 14;
		size_t max = n && o->frag_rest ? o->frag_rest : o->frag;
		bool more = chunk > max;

		if (more)
			chunk = max;
		memcpy(f, o->dst_mac, 6);
		memcpy(f + 6, src_mac, 6);
		put16(f + 12, 0x86dd);
		memcpy(ip, pkt, 40);
		ip[6] = 44;
		ip[40] = pkt[6];
		ip[41] = 0;
		put16(ip + 42, off | (more ? 1 : 0));
		put32n(ip + 44, htonl(ident));
		memcpy(ip + 48, pkt + 40 + off, chunk);
		put16(ip + 4, 8 + chunk);
		lens[n++] = 14 + 48 + chunk;
		off += chunk;
	}
	return n;
}

/*
 * Frames for one packet: one, or --frag fragments, the first of at most
 * FRAG payload bytes, the others of at most --frag-rest. Returns how many;
 * frame i is frames + i * MAX_FRAME.
 */
static int build_frames(const struct opts *o, uint8_t *frames, size_t *lens,
			const uint8_t *src_mac, uint32_t src, uint16_t id)
{
	uint8_t pkt[MAX_FRAME];
	size_t plen = build_packet(o, pkt, src, id), hl, off = 0;
	int n = 0;

	hl = (pkt[0] & 15) * 4;
	if (!o->frag || plen <= hl) {
		uint8_t *f = frames;

		memcpy(f, o->dst_mac, 6);
		memcpy(f + 6, src_mac, 6);
		put16(f + 12, ETH_P_IP);
		memcpy(f + 14, pkt, plen);
		lens[0] = 14 + plen;
		return 1;
	}
	while (off < plen - hl && n < MAX_FRAGS) {
		size_t chunk = plen - hl - off;
		uint8_t *f = frames + n * MAX_FRAME, *ip = f + 14;
		size_t max = n && o->frag_rest ? o->frag_rest : o->frag;
		bool more = chunk > max;

		if (more)
			chunk = max;
		memcpy(f, o->dst_mac, 6);
		memcpy(f + 6, src_mac, 6);
		put16(f + 12, ETH_P_IP);
		memcpy(ip, pkt, hl);
		memcpy(ip + hl, pkt + hl + off, chunk);
		put16(ip + 2, hl + chunk);
		put16(ip + 6, (more ? 0x2000 : 0) | (off / 8));
		put16(ip + 10, 0);
		put16(ip + 10, csum(ip, hl, 0));
		lens[n++] = 14 + hl + chunk;
		off += chunk;
	}
	return n;
}

/* ---------------------------------------------------------------- options */

static const char usage_text[] =
	"usage: redirect_inject -i IFACE --dst-mac MAC -s SRC -d DST -g GATEWAY\n"
	"                       --inner-dst IP [options]\n"
	"  --src-mac MAC        Ethernet source (default: IFACE's)\n"
	"  -c, --code N         ICMP code (default 1)   -t, --type N  (default 5)\n"
	"  --inner-src IP       embedded source (default: DST)\n"
	"  --inner-proto P      icmp|udp|tcp|gre|N (default icmp)\n"
	"  --inner-icmp-type N  (default 0, echo reply)\n"
	"  --inner-sport N, --inner-dport N, --inner-tos N\n"
	"  --inner-ihl N        with options; --inner-ihl-lie: the field only\n"
	"  --inner-tot-len N, --inner-version N, --inner-payload N\n"
	"  --inner-hex HEX      the embedded datagram, verbatim (replaces the\n"
	"                       --inner-* fields; --inner-dst not needed)\n"
	"  --outer-ihl N, --ttl N, --bad-csum, --bad-ip-csum\n"
	"  --truncate N [--fix-tot-len]   cut the IP packet to N bytes\n"
	"  --frag N             IP fragments of N payload bytes (N % 8 == 0)\n"
	"  --frag-rest N        after the first, fragments of N bytes: larger\n"
	"                       ones make the reassembled skb non-linear\n"
	"  -n, --count N, --rate PPS, --random-src CIDR, --random-mac, --seed N\n"
	"  --fuzz               mutate every field of every frame at random\n"
	"  -q, --quiet, --selftest, -h, --help\n"
	"IPv6 (IPv6 addresses): an ND Redirect, code 0, hop limit 255; -g is\n"
	"the target, --dest the destination (default --inner-dst)\n"
	"  --dest IP, --tlla MAC, --no-rh (--rh: with it again),\n"
	"  --flowlabel N (the embedded datagram's)\n"
	"  --opt-zero, --opt-over N  an option of length 0; one N*8 too long\n"
	"  --hbh, --frag-atomic       a Hop-by-Hop header; an atomic fragment\n"
	"  --ra LIFETIME              a Router Advertisement from -s instead\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static void die(const char *msg, const char *arg)
{
	fprintf(stderr, "redirect_inject: %s%s%s\n", msg, arg ? ": " : "",
		arg ? arg : "");
	exit(1);
}

static uint32_t parse_ip(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		die("bad IPv4 address", s);
	return a.s_addr;
}

/* --inner-hex: at least a 20-byte header; its destination is --inner-dst. */
static void parse_hex(const char *s, struct opts *o)
{
	size_t n = strlen(s);
	unsigned int b;

	if (n % 2 || n / 2 < 20 || n / 2 > sizeof(o->inner_raw))
		die("--inner-hex needs 20 to 1500 bytes in hex", s);
	for (size_t i = 0; i < n / 2; i++) {
		if (sscanf(s + 2 * i, "%2x", &b) != 1 ||
		    !isxdigit((unsigned char)s[2 * i]) ||
		    !isxdigit((unsigned char)s[2 * i + 1]))
			die("bad hex", s);
		o->inner_raw[i] = b;
	}
	o->inner_raw_len = n / 2;
	memcpy(&o->inner_dst, o->inner_raw + 16, 4);
	o->have_inner_dst = true;
}

static void parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		die("bad MAC address", s);
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
}

static long parse_num(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		die("number out of range", s);
	return v;
}

enum {
	O_SRC_MAC = 256, O_DST_MAC, O_INNER_SRC, O_INNER_DST, O_INNER_PROTO,
	O_INNER_ICMP_TYPE, O_INNER_SPORT, O_INNER_DPORT, O_INNER_TOS,
	O_INNER_IHL, O_INNER_IHL_LIE, O_INNER_TOT_LEN, O_INNER_VERSION,
	O_INNER_PAYLOAD, O_OUTER_IHL, O_TTL, O_BAD_CSUM, O_BAD_IP_CSUM,
	O_TRUNCATE, O_FIX_TOT_LEN, O_FRAG, O_FRAG_REST, O_RATE, O_RANDOM_SRC,
	O_RANDOM_MAC, O_SEED, O_SELFTEST, O_FUZZ, O_INNER_HEX,
	O_DEST, O_TLLA, O_NO_RH, O_FLOWLABEL, O_OPT_ZERO, O_OPT_OVER, O_HBH,
	O_FRAG_ATOMIC, O_RA, O_RH,
};

static const struct option longopts[] = {
	{ "iface", required_argument, NULL, 'i' },
	{ "src-mac", required_argument, NULL, O_SRC_MAC },
	{ "dst-mac", required_argument, NULL, O_DST_MAC },
	{ "src", required_argument, NULL, 's' },
	{ "dst", required_argument, NULL, 'd' },
	{ "gateway", required_argument, NULL, 'g' },
	{ "code", required_argument, NULL, 'c' },
	{ "type", required_argument, NULL, 't' },
	{ "inner-src", required_argument, NULL, O_INNER_SRC },
	{ "inner-dst", required_argument, NULL, O_INNER_DST },
	{ "inner-proto", required_argument, NULL, O_INNER_PROTO },
	{ "inner-icmp-type", required_argument, NULL, O_INNER_ICMP_TYPE },
	{ "inner-sport", required_argument, NULL, O_INNER_SPORT },
	{ "inner-dport", required_argument, NULL, O_INNER_DPORT },
	{ "inner-tos", required_argument, NULL, O_INNER_TOS },
	{ "inner-ihl", required_argument, NULL, O_INNER_IHL },
	{ "inner-ihl-lie", no_argument, NULL, O_INNER_IHL_LIE },
	{ "inner-tot-len", required_argument, NULL, O_INNER_TOT_LEN },
	{ "inner-version", required_argument, NULL, O_INNER_VERSION },
	{ "inner-payload", required_argument, NULL, O_INNER_PAYLOAD },
	{ "inner-hex", required_argument, NULL, O_INNER_HEX },
	{ "outer-ihl", required_argument, NULL, O_OUTER_IHL },
	{ "ttl", required_argument, NULL, O_TTL },
	{ "bad-csum", no_argument, NULL, O_BAD_CSUM },
	{ "bad-ip-csum", no_argument, NULL, O_BAD_IP_CSUM },
	{ "truncate", required_argument, NULL, O_TRUNCATE },
	{ "fix-tot-len", no_argument, NULL, O_FIX_TOT_LEN },
	{ "frag", required_argument, NULL, O_FRAG },
	{ "frag-rest", required_argument, NULL, O_FRAG_REST },
	{ "count", required_argument, NULL, 'n' },
	{ "rate", required_argument, NULL, O_RATE },
	{ "random-src", required_argument, NULL, O_RANDOM_SRC },
	{ "random-mac", no_argument, NULL, O_RANDOM_MAC },
	{ "seed", required_argument, NULL, O_SEED },
	{ "quiet", no_argument, NULL, 'q' },
	{ "selftest", no_argument, NULL, O_SELFTEST },
	{ "fuzz", no_argument, NULL, O_FUZZ },
	{ "help", no_argument, NULL, 'h' },
	{ "dest", required_argument, NULL, O_DEST },
	{ "tlla", required_argument, NULL, O_TLLA },
	{ "no-rh", no_argument, NULL, O_NO_RH },
	{ "rh", no_argument, NULL, O_RH },
	{ "flowlabel", required_argument, NULL, O_FLOWLABEL },
	{ "opt-zero", no_argument, NULL, O_OPT_ZERO },
	{ "opt-over", required_argument, NULL, O_OPT_OVER },
	{ "hbh", no_argument, NULL, O_HBH },
	{ "frag-atomic", no_argument, NULL, O_FRAG_ATOMIC },
	{ "ra", required_argument, NULL, O_RA },
	{ }
};

/* An IPv6 address into A (16 bytes), which makes the packet IPv6. */
static bool parse_ip6(struct opts *o, const char *s, uint8_t *a)
{
	if (!strchr(s, ':'))
		return false;
	if (inet_pton(AF_INET6, s, a) != 1)
		die("bad IPv6 address", s);
	o->v6 = true;
	return true;
}

static int parse_proto(const char *s)
{
	if (!strcmp(s, "icmp6"))
		return 58;
	if (!strcmp(s, "icmp"))
		return IPPROTO_ICMP;
	if (!strcmp(s, "udp"))
		return IPPROTO_UDP;
	if (!strcmp(s, "tcp"))
		return IPPROTO_TCP;
	if (!strcmp(s, "gre"))
		return 47;
	return parse_num(s, 0, 255);
}

static void parse_cidr(struct opts *o, const char *s)
{
	char buf[32], *slash;
	int bits;

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (!slash)
		die("--random-src wants ADDR/BITS", s);
	*slash = 0;
	bits = parse_num(slash + 1, 0, 31);
	o->rnd_mask = bits ? ~0u << (32 - bits) : 0;
	o->rnd_net = ntohl(parse_ip(buf)) & o->rnd_mask;
	o->rnd_mask = ~o->rnd_mask;	/* the random part */
}

static void defaults(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->type = 5;
	o->code = 1;
	o->inner_proto = IPPROTO_ICMP;
	o->inner_sport = 12345;
	o->inner_dport = 9;
	o->inner_ihl = 5;
	o->inner_tot_len = -1;
	o->inner_version = 4;
	o->outer_ihl = 5;
	o->ttl = 255;
	o->truncate = -1;
	o->count = 1;
	o->seed = 1;
}

static bool selftest(void);

/* The IPv6 defaults, once every option is known. */
static void finish_v6(struct opts *o)
{
	static const uint8_t zero[16];

	if (!o->iface || !o->have_dst_mac || !memcmp(o->src6, zero, 16) ||
	    !memcmp(o->dst6, zero, 16) ||
	    (!o->ra && !o->have_dest6 && !o->have_inner_dst &&
	     !o->inner_raw_len)) {
		usage(stderr);
		die("IPv6: -i, --dst-mac, -s, -d, --dest or --inner-dst needed",
		    NULL);
	}
	if (o->rnd_mask)
		die("--random-src is IPv4 only", NULL);
	if (!o->have_type)
		o->type = o->ra ? 134 : 137;
	if (!o->have_code)
		o->code = 0;
	if (o->inner_proto == IPPROTO_ICMP)
		o->inner_proto = 58;
	if (!o->have_inner_icmp_type)
		o->inner_icmp_type = 129;	/* echo reply */
	if (o->inner_raw_len >= 40 && !o->have_inner_dst)
		memcpy(o->inner_dst6, o->inner_raw + 24, 16);
	if (!o->have_inner_src)
		memcpy(o->inner_src6, o->dst6, 16);
	if (!o->have_dest6)
		memcpy(o->dest6, o->inner_dst6, 16);
}

static void parse(struct opts *o, int argc, char **argv)
{
	int c;

	while ((c = getopt_long(argc, argv, "i:s:d:g:c:t:n:qh", longopts,
				NULL)) != -1) {
		switch (c) {
		case 'i':
			o->iface = optarg;
			break;
		case O_SRC_MAC:
			parse_mac(optarg, o->src_mac);
			o->have_src_mac = true;
			break;
		case O_DST_MAC:
			parse_mac(optarg, o->dst_mac);
			o->have_dst_mac = true;
			break;
		case 's':
			if (!parse_ip6(o, optarg, o->src6))
				o->src = parse_ip(optarg);
			break;
		case 'd':
			if (!parse_ip6(o, optarg, o->dst6))
				o->dst = parse_ip(optarg);
			break;
		case 'g':
			if (!parse_ip6(o, optarg, o->target6))
				o->gw = parse_ip(optarg);
			break;
		case 'c':
			o->code = parse_num(optarg, 0, 255);
			o->have_code = true;
			break;
		case 't':
			o->type = parse_num(optarg, 0, 255);
			o->have_type = true;
			break;
		case O_INNER_SRC:
			if (!parse_ip6(o, optarg, o->inner_src6))
				o->inner_src = parse_ip(optarg);
			o->have_inner_src = true;
			break;
		case O_INNER_DST:
			if (!parse_ip6(o, optarg, o->inner_dst6))
				o->inner_dst = parse_ip(optarg);
			o->have_inner_dst = true;
			break;
		case O_DEST:
			parse_ip6(o, optarg, o->dest6);
			o->have_dest6 = true;
			break;
		case O_TLLA:
			parse_mac(optarg, o->tlla);
			o->have_tlla = true;
			break;
		case O_NO_RH:
			o->no_rh = true;
			break;
		case O_RH:
			o->no_rh = false;
			break;
		case O_FLOWLABEL:
			o->flowlabel = parse_num(optarg, 0, 0xfffff);
			break;
		case O_OPT_ZERO:
			o->opt_zero = true;
			break;
		case O_OPT_OVER:
			o->opt_over = parse_num(optarg, 1, 100);
			break;
		case O_HBH:
			o->hbh = true;
			break;
		case O_FRAG_ATOMIC:
			o->frag_atomic = true;
			break;
		case O_RA:
			o->ra = parse_num(optarg, 0, 65535);
			o->v6 = true;
			break;
		case O_INNER_PROTO:
			o->inner_proto = parse_proto(optarg);
			break;
		case O_INNER_ICMP_TYPE:
			o->inner_icmp_type = parse_num(optarg, 0, 255);
			o->have_inner_icmp_type = true;
			break;
		case O_INNER_SPORT:
			o->inner_sport = parse_num(optarg, 0, 65535);
			break;
		case O_INNER_DPORT:
			o->inner_dport = parse_num(optarg, 0, 65535);
			break;
		case O_INNER_TOS:
			o->inner_tos = parse_num(optarg, 0, 255);
			break;
		case O_INNER_IHL:
			o->inner_ihl = parse_num(optarg, 0, 15);
			break;
		case O_INNER_IHL_LIE:
			o->inner_ihl_lie = true;
			break;
		case O_INNER_TOT_LEN:
			o->inner_tot_len = parse_num(optarg, 0, 65535);
			break;
		case O_INNER_VERSION:
			o->inner_version = parse_num(optarg, 0, 15);
			break;
		case O_INNER_PAYLOAD:
			o->inner_payload = parse_num(optarg, 0, 1200);
			break;
		case O_INNER_HEX:
			parse_hex(optarg, o);
			break;
		case O_OUTER_IHL:
			o->outer_ihl = parse_num(optarg, 5, 15);
			break;
		case O_TTL:
			o->ttl = parse_num(optarg, 0, 255);
			break;
		case O_BAD_CSUM:
			o->bad_csum = true;
			break;
		case O_BAD_IP_CSUM:
			o->bad_ip_csum = true;
			break;
		case O_TRUNCATE:
			o->truncate = parse_num(optarg, 0, 1500);
			break;
		case O_FIX_TOT_LEN:
			o->fix_tot_len = true;
			break;
		case O_FRAG:
			o->frag = parse_num(optarg, 8, 1400);
			if (o->frag % 8)
				die("--frag wants a multiple of 8", optarg);
			break;
		case O_FRAG_REST:
			o->frag_rest = parse_num(optarg, 8, 1400);
			if (o->frag_rest % 8)
				die("--frag-rest wants a multiple of 8",
				    optarg);
			break;
		case 'n':
			o->count = parse_num(optarg, 0, 1L << 40);
			break;
		case O_RATE:
			o->rate = parse_num(optarg, 1, 1L << 30);
			break;
		case O_RANDOM_SRC:
			parse_cidr(o, optarg);
			break;
		case O_RANDOM_MAC:
			o->random_mac = true;
			break;
		case O_SEED:
			o->seed = parse_num(optarg, 0, 1L << 62);
			break;
		case 'q':
			o->quiet = true;
			break;
		case O_SELFTEST:
			exit(selftest() ? 0 : 1);
		case O_FUZZ:
			o->fuzz = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(1);
		}
	}
	if (optind != argc)
		die("unexpected argument", argv[optind]);
	if (o->v6) {
		finish_v6(o);
		return;
	}
	if (!o->iface || !o->have_dst_mac || !o->src || !o->dst ||
	    !o->have_inner_dst) {
		usage(stderr);
		die("-i, --dst-mac, -s, -d and --inner-dst are required", NULL);
	}
	if (!o->have_inner_src)
		o->inner_src = o->dst;
}

/* ---------------------------------------------------------------- self-test */

static bool selftest(void)
{
	static uint8_t frames[MAX_FRAGS * MAX_FRAME];
	size_t lens[MAX_FRAGS];
	struct opts o;
	bool ok = true;

	for (int v = 0; v < 4; v++) {
		uint8_t *ip, *icmp;
		size_t hl, len;

		defaults(&o);
		o.dst = parse_ip("10.1.0.10");
		o.gw = parse_ip("10.1.0.2");
		o.inner_src = o.dst;
		o.inner_dst = parse_ip("10.2.0.20");
		o.inner_proto = v == 1 ? IPPROTO_UDP : IPPROTO_ICMP;
		o.inner_ihl = v == 2 ? 8 : 5;
		o.outer_ihl = v == 3 ? 7 : 5;
		o.inner_payload = v * 3;
		if (build_frames(&o, frames, lens, o.dst_mac,
				 parse_ip("10.1.0.1"), 7) != 1)
			return false;
		ip = frames + 14;
		hl = (ip[0] & 15) * 4;
		len = lens[0] - 14;
		icmp = ip + hl;
		if (csum(ip, hl, 0) != 0 || csum(icmp, len - hl, 0) != 0 ||
		    icmp[0] != 5 || (size_t)((ip[2] << 8) | ip[3]) != len ||
		    csum(icmp + 8, (icmp[8] & 15) * 4, 0) != 0) {
			printf("not ok %d: checksums or lengths\n", v);
			ok = false;
		}
	}
	for (int v = 0; v < 3; v++) {
		uint8_t *ip = frames + 14, *icmp;
		size_t len;

		defaults(&o);
		o.v6 = true;
		inet_pton(AF_INET6, "fe80::1", o.src6);
		inet_pton(AF_INET6, "fe80::10", o.dst6);
		inet_pton(AF_INET6, "fe80::2", o.target6);
		inet_pton(AF_INET6, "2001:db8:2::20", o.inner_dst6);
		o.have_inner_dst = true;
		o.iface = "x";
		o.have_dst_mac = true;
		o.have_tlla = v > 0;
		o.hbh = v == 2;
		o.inner_payload = v * 5;
		finish_v6(&o);
		build_frames6(&o, frames, lens, o.dst_mac, o.src6, 1);
		icmp = ip + 40 + (o.hbh ? 8 : 0);
		len = lens[0] - (icmp - frames);
		if (csum6(o.src6, o.dst6, icmp, len) || icmp[0] != 137 ||
		    (size_t)((ip[4] << 8) | ip[5]) + 54 != lens[0] ||
		    len % 8) {
			printf("not ok v6 %d: checksum or length\n", v);
			ok = false;
		}
	}
	defaults(&o);
	o.dst = parse_ip("10.1.0.10");
	o.gw = parse_ip("10.1.0.2");
	o.inner_src = o.dst;
	o.inner_dst = parse_ip("10.2.0.20");
	o.outer_ihl = 7;
	o.bad_csum = true;
	build_frames(&o, frames, lens, o.dst_mac, parse_ip("10.1.0.1"), 7);
	if (csum(frames + 14 + 28, lens[0] - 14 - 28, 0) == 0) {
		printf("not ok: --bad-csum left a valid checksum\n");
		ok = false;
	}
	if (ok)
		printf("ok\n");
	return ok;
}

/* ---------------------------------------------------------------- fuzzing */

/* A chance of PCT percent. */
static bool chance(unsigned int pct)
{
	return rnd64() % 100 < pct;
}

/*
 * Mutate a valid Redirect into a Redirect or near-Redirect: every code, now
 * and then another type, embedded headers with options, lying IHL, version
 * or length fields, every inner protocol, bad checksums, truncation at any
 * length, IP options outside, fragments the receiver must reassemble.
 */
static void mutate(const struct opts *base, struct opts *p)
{
	static const int protos[] = { IPPROTO_ICMP, IPPROTO_UDP, IPPROTO_TCP,
				      47, 0, 255 };

	*p = *base;
	p->code = chance(50) ? rnd64() % 4 : rnd64() % 256;
	if (chance(5))
		p->type = rnd64() % 256;
	p->inner_proto = protos[rnd64() % 6];
	if (p->inner_proto == 0)
		p->inner_proto = rnd64() % 256;
	p->inner_icmp_type = rnd64() % 256;
	p->inner_sport = rnd64();
	p->inner_dport = rnd64();
	p->inner_tos = chance(20) ? rnd64() : 0;
	if (chance(30))
		p->inner_ihl = 5 + rnd64() % 11;
	if (chance(10)) {
		p->inner_ihl = rnd64() % 16;
		p->inner_ihl_lie = true;
	}
	if (chance(5))
		p->inner_version = rnd64() % 16;
	if (chance(10))
		p->inner_tot_len = rnd64() % 65536;
	p->inner_payload = rnd64() % 64;
	if (chance(20))
		p->outer_ihl = 6 + rnd64() % 10;
	p->bad_csum = chance(10);
	if (chance(30)) {
		p->truncate = rnd64() % 200;
		p->fix_tot_len = chance(80);
	}
	if (chance(10)) {
		p->frag = 8 * (1 + rnd64() % 8);
		/*
		 * Small fragments are coalesced into the first one's tailroom
		 * on reassembly, which leaves the skb linear; a large one is
		 * chained on its frag_list, so the hook's reads straddle it.
		 */
		if (chance(50)) {
			p->inner_payload = 64 + rnd64() % 1137;
			p->frag_rest = 8 * (64 + rnd64() % 112);
		}
	}
	if (chance(30))
		p->gw = htonl(ntohl(base->dst & htonl(0xffffff00)) |
			      (uint32_t)(rnd64() % 256));
	else if (chance(10))
		p->gw = (uint32_t)rnd64();
}

/*
 * The same for ND Redirects: every code, now and then another type or hop
 * limit, a source or target that is not link-local, a multicast
 * destination, TLLA options, options of length 0 or past the end, with and
 * without the Redirected Header, embedded datagrams of every protocol and
 * length, Hop-by-Hop and Fragment headers, real fragments, bad checksums
 * and truncation at any length.
 */
static void mutate6(const struct opts *base, struct opts *p)
{
	static const int protos[] = { 58, IPPROTO_UDP, IPPROTO_TCP, 0, 44,
				      59 };
	uint64_t r;

	*p = *base;
	p->code = chance(80) ? 0 : rnd64() % 256;
	if (chance(5))
		p->type = rnd64() % 256;
	if (chance(5))
		p->ttl = rnd64() % 256;
	if (chance(5))
		p->src6[0] = 0x20;
	if (chance(30)) {
		r = rnd64();
		memcpy(p->target6 + 8, &r, 8);
		if (chance(20))
			p->target6[0] = chance(50) ? 0xff : 0x20;
	}
	if (chance(10))
		memcpy(p->target6, p->dest6, 16);
	else if (chance(5))
		memcpy(p->target6, chance(50) ? p->src6 : p->dst6, 16);
	if (chance(5))
		p->dest6[0] = 0xff;
	else if (chance(5))
		p->dest6[15] ^= 1 + rnd64() % 255;
	if (chance(5))
		p->inner_src6[15] ^= 1 + rnd64() % 255;
	p->have_tlla = chance(40);
	if (p->have_tlla) {
		r = rnd64();
		memcpy(p->tlla, &r, 6);
	}
	p->no_rh = chance(15);
	p->opt_zero = chance(5);
	p->opt_over = chance(5) ? 1 + rnd64() % 4 : 0;
	p->hbh = chance(10);
	p->frag_atomic = chance(5);
	p->inner_proto = protos[rnd64() % 6];
	if (p->inner_proto == 0)
		p->inner_proto = rnd64() % 256;
	p->inner_icmp_type = chance(50) ? 128 + rnd64() % 2 : rnd64() % 256;
	p->inner_sport = rnd64();
	p->inner_dport = rnd64();
	p->flowlabel = chance(50) ? rnd64() & 0xfffff : 0;
	p->inner_payload = rnd64() % 64;
	p->bad_csum = chance(10);
	if (chance(30)) {
		p->truncate = rnd64() % 300;
		p->fix_tot_len = chance(80);
	}
	if (chance(10)) {
		p->frag = 8 * (1 + rnd64() % 8);
		if (chance(50)) {
			p->inner_payload = 64 + rnd64() % 1000;
			p->frag_rest = 8 * (64 + rnd64() % 100);
		}
	}
}

/* ---------------------------------------------------------------- sending */

static void pace(const struct opts *o, const struct timespec *t0,
		 unsigned long sent)
{
	struct timespec now, wait;
	double due, el;

	if (!o->rate)
		return;
	due = (double)sent / o->rate;
	clock_gettime(CLOCK_MONOTONIC, &now);
	el = (now.tv_sec - t0->tv_sec) + (now.tv_nsec - t0->tv_nsec) / 1e9;
	if (due > el) {
		wait.tv_sec = (time_t)(due - el);
		wait.tv_nsec = (long)((due - el - wait.tv_sec) * 1e9);
		nanosleep(&wait, NULL);
	}
}

static int send_batch(int fd, struct mmsghdr *msgs, unsigned int n)
{
	unsigned int done = 0;

	while (done < n) {
		int r = sendmmsg(fd, msgs + done, n - done, 0);

		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR) {
				poll(NULL, 0, 1);
				continue;
			}
			return -1;
		}
		done += r;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t frames[BATCH * MAX_FRAGS * MAX_FRAME];
	static size_t lens[BATCH * MAX_FRAGS];
	static struct mmsghdr msgs[BATCH * MAX_FRAGS];
	static struct iovec iov[BATCH * MAX_FRAGS];
	struct sockaddr_ll sll = { 0 };
	unsigned long sent = 0;
	struct timespec t0;
	struct opts o, fuzzed;
	struct ifreq ifr;
	int fd;

	defaults(&o);
	parse(&o, argc, argv);
	rng_state = o.seed;

	fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_IP));
	if (fd < 0)
		die("socket(AF_PACKET)", strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o.iface);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0)
		die("no such interface", o.iface);
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_IP);
	sll.sll_ifindex = ifr.ifr_ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		die("bind", strerror(errno));
	if (!o.have_src_mac) {
		if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
			die("SIOCGIFHWADDR", strerror(errno));
		memcpy(o.src_mac, ifr.ifr_hwaddr.sa_data, 6);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (sent < o.count) {
		unsigned int n = 0, pkts = 0;

		while (pkts < BATCH && sent + pkts < o.count) {
			uint8_t mac[6];
			uint32_t src = o.src;
			uint64_t r = rnd64();
			int k;

			memcpy(mac, o.src_mac, 6);
			if (o.rnd_mask) {
				src = htonl(o.rnd_net |
					    ((uint32_t)r & o.rnd_mask));
				r = rnd64();
			}
			if (o.rnd_mask || o.random_mac) {
				memcpy(mac, &r, 6);
				mac[0] = (mac[0] & 0xfe) | 0x02;
			}
			if (o.fuzz && o.v6)
				mutate6(&o, &fuzzed);
			else if (o.fuzz)
				mutate(&o, &fuzzed);
			if (o.v6)
				k = build_frames6(o.fuzz ? &fuzzed : &o,
						  frames + n * MAX_FRAME,
						  lens + n, mac, o.src6,
						  (uint32_t)(sent + pkts +
							     o.seed));
			else
				k = build_frames(o.fuzz ? &fuzzed : &o,
						 frames + n * MAX_FRAME,
						 lens + n, mac, src,
						 (uint16_t)(sent + pkts +
							    o.seed));
			for (int i = 0; i < k; i++) {
				iov[n + i].iov_base = frames +
						      (n + i) * MAX_FRAME;
				iov[n + i].iov_len = lens[n + i];
				memset(&msgs[n + i], 0, sizeof(msgs[0]));
				msgs[n + i].msg_hdr.msg_iov = &iov[n + i];
				msgs[n + i].msg_hdr.msg_iovlen = 1;
			}
			n += k;
			pkts++;
		}
		pace(&o, &t0, sent);
		if (send_batch(fd, msgs, n) < 0)
			die("sendmmsg", strerror(errno));
		sent += pkts;
	}
	if (!o.quiet)
		printf("sent %lu frames\n", sent);
	close(fd);
	return 0;
}
