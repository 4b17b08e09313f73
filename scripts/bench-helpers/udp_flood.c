// SPDX-License-Identifier: GPL-2.0
/*
 * udp_flood DST_IP PORT SECONDS [connect]: send 64-byte UDP datagrams to
 * DST_IP:PORT as fast as sendmmsg() allows for SECONDS, then print how many
 * were sent. With "connect", from a connected socket (whose datagrams
 * icmp_guard's egress record keeps when they leave through a gateway).
 * The benchmark's fast-path load: on a veth the receiver's softirq runs in
 * this sender's context, so its rate measures the whole receive path.
 * DST_IP may be IPv6.
 */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

int main(int argc, char **argv)
{
	static char payload[64];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { payload, sizeof(payload) };
	struct sockaddr_in dst4 = { .sin_family = AF_INET };
	struct sockaddr_in6 dst6 = { .sin6_family = AF_INET6 };
	struct sockaddr *dst = (struct sockaddr *)&dst4;
	socklen_t dlen = sizeof(dst4);
	unsigned long long sent = 0;
	struct timespec t0, t;
	double secs;
	int fd, i;

	if (argc != 4 && !(argc == 5 && !strcmp(argv[4], "connect"))) {
		fprintf(stderr, "usage: udp_flood DST_IP PORT SECONDS [connect]\n");
		return 1;
	}
	if (strchr(argv[1], ':')) {
		inet_pton(AF_INET6, argv[1], &dst6.sin6_addr);
		dst6.sin6_port = htons(atoi(argv[2]));
		dst = (struct sockaddr *)&dst6;
		dlen = sizeof(dst6);
	} else {
		inet_pton(AF_INET, argv[1], &dst4.sin_addr);
		dst4.sin_port = htons(atoi(argv[2]));
	}
	secs = atof(argv[3]);
	fd = socket(dst->sa_family, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (argc == 5 && connect(fd, dst, dlen)) {
		perror("connect");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		if (argc == 4) {
			msgs[i].msg_hdr.msg_name = dst;
			msgs[i].msg_hdr.msg_namelen = dlen;
		}
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		int r = sendmmsg(fd, msgs, BATCH, 0);

		if (r > 0)
			sent += r;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("%llu\n", sent);
	return 0;
}
