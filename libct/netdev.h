/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.netDevices internals: rtnetlink requests built in a buffer and
 * replies parsed from one (netlink.c), and the name checks (netdev.c).
 * None of them uses a socket, so tests/unit/test-netdev.c checks them
 * without privileges.
 */
#ifndef LIBCT_NETDEV_H
#define LIBCT_NETDEV_H

#include <linux/netlink.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

/* One request: the header, the family header and a few small attributes. */
struct ct_nl_request {
	struct nlmsghdr hdr;
	char data[1024];
};

/* A link as RTM_NEWLINK describes it. */
struct ct_nl_link {
	int ifindex;
	char name[IFNAMSIZ];
};

/* An address to carry over into the container, as RTM_NEWADDR gives it. */
struct ct_nl_address {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t prefixlen;
	uint8_t scope;
	uint32_t flags;        /* IFA_FLAGS, which has the bits past the first eight of ifa_flags */
	uint8_t local[16];     /* IFA_LOCAL: the address of an IPv4 interface */
	uint8_t address[16];   /* IFA_ADDRESS: the peer of a point-to-point link, or the IPv6 address */
	uint8_t broadcast[4];  /* IFA_BROADCAST, IPv4 only */
	size_t local_len;
	size_t address_len;
	size_t broadcast_len;
};

/* Starts a request of type with NLM_F_REQUEST | flags and the family header. */
void ct_nl_request_start(struct ct_nl_request *req, uint16_t type, uint16_t flags, const void *header,
			 size_t len);
/* Appends an attribute; fails with -EMSGSIZE when the buffer is full. */
int ct_nl_request_add_attr(struct ct_nl_request *req, uint16_t type, const void *data, size_t len);

/* RTM_GETLINK of the link named name, or of ifindex when name is NULL. */
int ct_nl_build_get_link(struct ct_nl_request *req, const char *name, int ifindex);
/*
 * RTM_NEWLINK that moves ifindex into the network namespace of netns_fd
 * and names it name there, in that order, so a name that is taken there
 * fails after the move. A name with "%d" is a template that the kernel
 * completes, so then the link also keeps its index (IFLA_NEW_IFINDEX),
 * which lets the caller find it afterwards.
 */
int ct_nl_build_move_link(struct ct_nl_request *req, int ifindex, int netns_fd, const char *name);
/* RTM_NEWLINK that sets ifindex up. */
void ct_nl_build_set_link_up(struct ct_nl_request *req, int ifindex);
/* RTM_GETADDR dump of the addresses of every link, of every family. */
void ct_nl_build_dump_addresses(struct ct_nl_request *req);
/* RTM_NEWADDR with NLM_F_CREATE | NLM_F_EXCL that adds addr to ifindex. */
int ct_nl_build_add_address(struct ct_nl_request *req, int ifindex, const struct ct_nl_address *addr);
/* Whether replies to req end with NLMSG_DONE (a dump) rather than an ack.
 * NLM_F_EXCL and NLM_F_MATCH share a bit, so the flags alone cannot tell. */
bool ct_nl_request_is_dump(const struct ct_nl_request *req);

/* Receives each reply message of a request, except errors and NLMSG_DONE;
 * a negative errno ends the request with that error. */
typedef int (*ct_nl_reply_fn)(const struct nlmsghdr *msg, void *userdata);
/*
 * Walks the messages of one received buffer. Returns 1 when the request
 * is complete, with its result in *ret_result (0, the kernel's negative
 * errno, or fn's first error), and 0 when more replies follow. len must
 * fit in an int. A message
 * with NLM_F_DUMP_INTR means that the dump changed while the kernel made
 * it, which gives -EAGAIN. A truncated message gives -EBADMSG.
 */
int ct_nl_parse_replies(const void *buf, size_t len, ct_nl_reply_fn fn, void *userdata, int *ret_result);

/* Fills *ret_link from an RTM_NEWLINK message; -EBADMSG when it is not one. */
int ct_nl_parse_link(const struct nlmsghdr *msg, struct ct_nl_link *ret_link);
/*
 * Returns 1 and fills *ret_addr when msg is an address of ifindex that the
 * runtime-spec carries into the container: IFA_F_PERMANENT with global
 * scope (RT_SCOPE_UNIVERSE), of any family. Returns 0 for any other
 * message. The transient states (tentative, DAD failed, deprecated,
 * optimistic) are cleared, because the kernel sets them again itself.
 */
int ct_nl_parse_address(const struct nlmsghdr *msg, int ifindex, struct ct_nl_address *ret_addr);
/* Writes the address in text form ("10.0.0.1" or "fd00::1"), or "?". */
void ct_nl_format_address(const struct ct_nl_address *addr, char *buf, size_t size);

/*
 * Checks the names of linux.netDevices that the kernel would reject only
 * after earlier devices had moved: a template must contain "%d" once and
 * no other "%", and two devices cannot get the same name in the container.
 * The parser already rejects empty, long and otherwise invalid names.
 */
int ct_netdev_check_names(const struct spec_net_device *devices, size_t n_devices, struct libct_error *err);

#endif
