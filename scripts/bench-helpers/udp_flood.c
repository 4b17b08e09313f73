// SPDX-License-Identifier: GPL-2.0
/*
 * udp_flood DST_IP PORT SECONDS [connect]: send 64-byte UDP datagrams to
 * DST_IP:PORT as fast as sendmmsg() allows for SECONDS, then print how many
 * were sent. With "connect", from a connected socket (whose datagrams
 * icmp_guard's egress record keeps when they leave through a gateway).
 * The benchmark's fast-path load: on a veth the receiver's softirq runs in
 * this sender's context, so its rate measures the whole receive path.
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
	struct sockaddr_in dst = { .sin_family = AF_INET };
	unsigned long long sent = 0;
	struct timespec t0, t;
	double secs;
	int fd, i;

	if (argc != 4 && !(argc == 5 && !strcmp(argv[4], "connect"))) {
		fprintf(stderr, "usage: udp_flood DST_IP PORT SECONDS [connect]\n");
		return 1;
	}
	inet_pton(AF_INET, argv[1], &dst.sin_addr);
	dst.sin_port = htons(atoi(argv[2]));
	secs = atof(argv[3]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("socket");
		return 1;
	}
	if (argc == 5 && connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		perror("connect");
		return 1;
	}
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < BATCH; i++) {
		if (argc == 4) {
			msgs[i].msg_hdr.msg_name = &dst;
			msgs[i].msg_hdr.msg_namelen = sizeof(dst);
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
