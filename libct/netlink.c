/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rtnetlink requests and replies for linux.netDevices, without sockets:
 * netdev.c sends what these functions build and passes what it receives
 * to the parsers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "netdev.h"

/* ------------------------------------------------------------ requests */

void ct_nl_request_start(struct ct_nl_request *req, uint16_t type, uint16_t flags, const void *header,
			 size_t len)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = NLM_F_REQUEST | flags;
	req->hdr.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	memcpy(NLMSG_DATA(&req->hdr), header, len);
}

int ct_nl_request_add_attr(struct ct_nl_request *req, uint16_t type, const void *data, size_t len)
{
	size_t offset = NLMSG_ALIGN(req->hdr.nlmsg_len);
	if (offset + RTA_SPACE(len) > sizeof(*req))
		return -EMSGSIZE;
	struct rtattr *rta = (struct rtattr *)((char *)req + offset);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->hdr.nlmsg_len = (uint32_t)(offset + RTA_SPACE(len));
	return 0;
}

int ct_nl_build_get_link(struct ct_nl_request *req, const char *name, int ifindex)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = name == NULL ? ifindex : 0 };
	ct_nl_request_start(req, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	if (name == NULL)
		return 0;
	return ct_nl_request_add_attr(req, IFLA_IFNAME, name, strlen(name) + 1);
}

int ct_nl_build_move_link(struct ct_nl_request *req, int ifindex, int netns_fd, const char *name)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	uint32_t ns = (uint32_t)netns_fd;
	ct_nl_request_start(req, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	int r = ct_nl_request_add_attr(req, IFLA_NET_NS_FD, &ns, sizeof(ns));
	/* The kernel moves the device under its host name and then renames it
	 * in the target namespace, where a name with %d gets a free number and
	 * a taken name fails with EEXIST after the device moved. */
	if (r == 0)
		r = ct_nl_request_add_attr(req, IFLA_IFNAME, name, strlen(name) + 1);
	/* The final name of a template is unknown here, so the device keeps its
	 * index, and the move fails if the namespace uses that index already. */
	if (r == 0 && strchr(name, '%') != NULL)
		r = ct_nl_request_add_attr(req, IFLA_NEW_IFINDEX, &ifindex, sizeof(ifindex));
	return r;
}

void ct_nl_build_set_link_up(struct ct_nl_request *req, int ifindex)
{
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP, .ifi_change = IFF_UP
	};
	ct_nl_request_start(req, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
}

void ct_nl_build_dump_addresses(struct ct_nl_request *req)
{
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
	ct_nl_request_start(req, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
}

int ct_nl_build_add_address(struct ct_nl_request *req, int ifindex, const struct ct_nl_address *addr)
{
	struct ifaddrmsg ifa = {
		.ifa_family = addr->family,
		.ifa_prefixlen = addr->prefixlen,
		.ifa_flags = (uint8_t)addr->flags,
		.ifa_scope = addr->scope,
		.ifa_index = (uint32_t)ifindex,
	};
	ct_nl_request_start(req, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	int r = 0;
	if (addr->local_len > 0)
		r = ct_nl_request_add_attr(req, IFA_LOCAL, addr->local, addr->local_len);
	if (r == 0 && addr->address_len > 0)
		r = ct_nl_request_add_attr(req, IFA_ADDRESS, addr->address, addr->address_len);
	if (r == 0 && addr->broadcast_len > 0)
		r = ct_nl_request_add_attr(req, IFA_BROADCAST, addr->broadcast, addr->broadcast_len);
	if (r == 0)
		r = ct_nl_request_add_attr(req, IFA_FLAGS, &addr->flags, sizeof(addr->flags));
	return r;
}

bool ct_nl_request_is_dump(const struct ct_nl_request *req)
{
	/* Only the address dump is a GET with NLM_F_DUMP here; RTM_NEWADDR
	 * carries NLM_F_EXCL, which has the bit of NLM_F_MATCH. */
	return req->hdr.nlmsg_type == RTM_GETADDR && (req->hdr.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
}

/* ------------------------------------------------------------- replies */

int ct_nl_parse_replies(const void *buf, size_t len, ct_nl_reply_fn fn, void *userdata, int *ret_result)
{
	/* Signed, so that a last message whose aligned length passes the end
	 * ends the walk instead of wrapping around. */
	int left = (int)len;
	for (const struct nlmsghdr *msg = buf; left > 0; msg = NLMSG_NEXT(msg, left)) {
		if (!NLMSG_OK(msg, left)) {
			*ret_result = -EBADMSG;
			return 1;
		}
		if (msg->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(msg);
			if (msg->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
				*ret_result = -EBADMSG;
			else if (*ret_result == 0)
				*ret_result = e->error;
			return 1;
		}
		if (msg->nlmsg_type == NLMSG_DONE) {
			/* A dump that failed in the kernel ends with its errno here. */
			if (*ret_result == 0 && msg->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
				memcpy(ret_result, NLMSG_DATA(msg), sizeof(int));
			return 1;
		}
		if ((msg->nlmsg_flags & NLM_F_DUMP_INTR) && *ret_result == 0)
			*ret_result = -EAGAIN;
		if (fn != NULL && *ret_result == 0)
			*ret_result = fn(msg, userdata);
	}
	return 0;
}

int ct_nl_parse_link(const struct nlmsghdr *msg, struct ct_nl_link *ret_link)
{
	if (msg->nlmsg_type != RTM_NEWLINK || msg->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifinfomsg)))
		return -EBADMSG;
	const struct ifinfomsg *ifi = NLMSG_DATA(msg);
	int len = (int)IFLA_PAYLOAD(msg);
	memset(ret_link, 0, sizeof(*ret_link));
	ret_link->ifindex = ifi->ifi_index;
	for (const struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME)
			snprintf(ret_link->name, sizeof(ret_link->name), "%.*s", (int)RTA_PAYLOAD(rta),
				 (const char *)RTA_DATA(rta));
	}
	return 0;
}

static void copy_attr(const struct rtattr *rta, uint8_t *dst, size_t cap, size_t *ret_len)
{
	size_t len = RTA_PAYLOAD(rta);
	if (len > cap)
		return;
	memcpy(dst, RTA_DATA(rta), len);
	*ret_len = len;
}

int ct_nl_parse_address(const struct nlmsghdr *msg, int ifindex, struct ct_nl_address *ret_addr)
{
	if (msg->nlmsg_type != RTM_NEWADDR || msg->nlmsg_len < NLMSG_LENGTH(sizeof(struct ifaddrmsg)))
		return 0;
	const struct ifaddrmsg *ifa = NLMSG_DATA(msg);
	if ((int)ifa->ifa_index != ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;

	struct ct_nl_address addr = {
		.family = ifa->ifa_family,
		.prefixlen = ifa->ifa_prefixlen,
		.scope = ifa->ifa_scope,
		.flags = ifa->ifa_flags,
	};
	int len = (int)IFA_PAYLOAD(msg);
	for (const struct rtattr *rta = IFA_RTA(ifa); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFA_LOCAL)
			copy_attr(rta, addr.local, sizeof(addr.local), &addr.local_len);
		else if (rta->rta_type == IFA_ADDRESS)
			copy_attr(rta, addr.address, sizeof(addr.address), &addr.address_len);
		else if (rta->rta_type == IFA_BROADCAST)
			copy_attr(rta, addr.broadcast, sizeof(addr.broadcast), &addr.broadcast_len);
		else if (rta->rta_type == IFA_FLAGS && RTA_PAYLOAD(rta) == sizeof(uint32_t))
			memcpy(&addr.flags, RTA_DATA(rta), sizeof(uint32_t));
	}
	if (!(addr.flags & IFA_F_PERMANENT))
		return 0;
	addr.flags &= ~(uint32_t)(IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_OPTIMISTIC);
	*ret_addr = addr;
	return 1;
}

void ct_nl_format_address(const struct ct_nl_address *addr, char *buf, size_t size)
{
	const void *bytes = addr->local_len > 0 ? addr->local : addr->address;
	if (inet_ntop(addr->family, bytes, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
}
