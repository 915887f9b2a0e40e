/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Unit tests of linux.netDevices without privileges or sockets: the
 * rtnetlink requests that libct builds, the parsing of the kernel's
 * replies, which addresses move with a device, and the name checks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <string.h>

#include "netdev.h"
#include "tap.h"

/* A reply buffer as recv() fills it: messages one after the other. */
struct reply_buffer {
	char data[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
	size_t len;
	struct nlmsghdr *last;
};

static void append_message(struct reply_buffer *buf, uint16_t type, uint16_t flags, const void *header,
			   size_t header_len)
{
	struct nlmsghdr *msg = (struct nlmsghdr *)(buf->data + buf->len);
	memset(msg, 0, NLMSG_SPACE(header_len));
	msg->nlmsg_type = type;
	msg->nlmsg_flags = flags;
	msg->nlmsg_len = (uint32_t)NLMSG_LENGTH(header_len);
	memcpy(NLMSG_DATA(msg), header, header_len);
	buf->last = msg;
	buf->len += NLMSG_ALIGN(msg->nlmsg_len);
}

/* Adds an attribute to the last message of buf. */
static void append_attr(struct reply_buffer *buf, uint16_t type, const void *data, size_t len)
{
	struct nlmsghdr *msg = buf->last;
	struct rtattr *rta = (struct rtattr *)((char *)msg + NLMSG_ALIGN(msg->nlmsg_len));
	memset(rta, 0, RTA_SPACE(len));
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	buf->len -= NLMSG_ALIGN(msg->nlmsg_len);
	msg->nlmsg_len = (uint32_t)(NLMSG_ALIGN(msg->nlmsg_len) + RTA_SPACE(len));
	buf->len += NLMSG_ALIGN(msg->nlmsg_len);
}

static void append_error(struct reply_buffer *buf, int error)
{
	struct nlmsgerr e = { .error = error };
	append_message(buf, NLMSG_ERROR, 0, &e, sizeof(e));
}

static void append_done(struct reply_buffer *buf, int error)
{
	append_message(buf, NLMSG_DONE, NLM_F_MULTI, &error, sizeof(error));
}

/* Appends an RTM_NEWADDR of an IPv4 address with IFA_LOCAL and IFA_ADDRESS. */
static void append_ipv4_address(struct reply_buffer *buf, int ifindex, const char *text, uint8_t prefixlen,
				uint8_t scope, uint8_t flags)
{
	struct ifaddrmsg ifa = {
		.ifa_family = AF_INET,
		.ifa_prefixlen = prefixlen,
		.ifa_flags = flags,
		.ifa_scope = scope,
		.ifa_index = (uint32_t)ifindex,
	};
	struct in_addr addr;
	inet_pton(AF_INET, text, &addr);
	append_message(buf, RTM_NEWADDR, NLM_F_MULTI, &ifa, sizeof(ifa));
	append_attr(buf, IFA_ADDRESS, &addr, sizeof(addr));
	append_attr(buf, IFA_LOCAL, &addr, sizeof(addr));
}

/* Returns the attribute of type in the request, or NULL. */
static const struct rtattr *find_attr(const struct ct_nl_request *req, size_t header_len, uint16_t type)
{
	const struct rtattr *rta = (const struct rtattr *)((const char *)NLMSG_DATA(&req->hdr) +
							   NLMSG_ALIGN(header_len));
	int len = (int)(req->hdr.nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(header_len)));
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == type)
			return rta;
	return NULL;
}

static int count_attrs(const struct ct_nl_request *req, size_t header_len)
{
	const struct rtattr *rta = (const struct rtattr *)((const char *)NLMSG_DATA(&req->hdr) +
							   NLMSG_ALIGN(header_len));
	int len = (int)(req->hdr.nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(header_len)));
	int count = 0;
	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		count++;
	return count;
}

static uint32_t attr_u32(const struct rtattr *rta)
{
	uint32_t value = 0;
	if (rta != NULL && RTA_PAYLOAD(rta) == sizeof(value))
		memcpy(&value, RTA_DATA(rta), sizeof(value));
	return value;
}

/* ------------------------------------------------------------ requests */

static void test_get_link_requests(void)
{
	struct ct_nl_request req;
	is_int(ct_nl_build_get_link(&req, "eth0", 0), 0, "get link by name builds");
	is_int(req.hdr.nlmsg_type, RTM_GETLINK, "get link type");
	is_int(req.hdr.nlmsg_flags, NLM_F_REQUEST, "get link flags");
	const struct ifinfomsg *ifi = NLMSG_DATA(&req.hdr);
	is_int(ifi->ifi_index, 0, "get link by name has no index");
	const struct rtattr *name = find_attr(&req, sizeof(*ifi), IFLA_IFNAME);
	ok(name != NULL, "get link by name has IFLA_IFNAME");
	is_str(name != NULL ? (const char *)RTA_DATA(name) : "", "eth0", "IFLA_IFNAME value");
	is_int(name != NULL ? (int)RTA_PAYLOAD(name) : 0, 5, "IFLA_IFNAME includes the NUL");
	is_int((int)req.hdr.nlmsg_len, (int)(NLMSG_LENGTH(sizeof(*ifi)) + RTA_SPACE(5)), "get link length");
	ok(!ct_nl_request_is_dump(&req), "get link is not a dump");

	is_int(ct_nl_build_get_link(&req, NULL, 7), 0, "get link by index builds");
	is_int(ifi->ifi_index, 7, "get link by index");
	is_int(count_attrs(&req, sizeof(*ifi)), 0, "get link by index has no attributes");
}

static void test_move_requests(void)
{
	struct ct_nl_request req;
	const struct ifinfomsg *ifi = NLMSG_DATA(&req.hdr);

	is_int(ct_nl_build_move_link(&req, 12, 5, "eth1"), 0, "move builds");
	is_int(req.hdr.nlmsg_type, RTM_NEWLINK, "move type");
	is_int(ifi->ifi_index, 12, "move index");
	is_int((int)attr_u32(find_attr(&req, sizeof(*ifi), IFLA_NET_NS_FD)), 5, "move IFLA_NET_NS_FD");
	const struct rtattr *name = find_attr(&req, sizeof(*ifi), IFLA_IFNAME);
	is_str(name != NULL ? (const char *)RTA_DATA(name) : "", "eth1", "move IFLA_IFNAME");
	ok(find_attr(&req, sizeof(*ifi), IFLA_NEW_IFINDEX) == NULL, "a fixed name keeps no index");

	is_int(ct_nl_build_move_link(&req, 12, 5, "eth%d"), 0, "move with a template builds");
	name = find_attr(&req, sizeof(*ifi), IFLA_IFNAME);
	is_str(name != NULL ? (const char *)RTA_DATA(name) : "", "eth%d", "the template goes to the kernel");
	is_int((int)attr_u32(find_attr(&req, sizeof(*ifi), IFLA_NEW_IFINDEX)), 12,
	       "a template keeps the index (IFLA_NEW_IFINDEX)");

	ct_nl_build_set_link_up(&req, 9);
	is_int(req.hdr.nlmsg_type, RTM_NEWLINK, "set up type");
	is_int(ifi->ifi_index, 9, "set up index");
	is_int((int)ifi->ifi_flags, IFF_UP, "set up flags");
	is_int((int)ifi->ifi_change, IFF_UP, "set up changes only IFF_UP");
}

static void test_address_requests(void)
{
	struct ct_nl_request req;
	ct_nl_build_dump_addresses(&req);
	is_int(req.hdr.nlmsg_type, RTM_GETADDR, "dump type");
	ok(ct_nl_request_is_dump(&req), "address dump is a dump");
	is_int(((const struct ifaddrmsg *)NLMSG_DATA(&req.hdr))->ifa_family, AF_UNSPEC, "dump of every family");

	struct ct_nl_address v4 = {
		.family = AF_INET, .prefixlen = 24, .scope = RT_SCOPE_UNIVERSE,
		.flags = IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE, .local_len = 4, .address_len = 4,
		.broadcast_len = 4,
	};
	inet_pton(AF_INET, "10.1.2.3", v4.local);
	inet_pton(AF_INET, "10.1.2.9", v4.address);
	inet_pton(AF_INET, "10.1.2.255", v4.broadcast);
	is_int(ct_nl_build_add_address(&req, 33, &v4), 0, "add IPv4 address builds");
	const struct ifaddrmsg *ifa = NLMSG_DATA(&req.hdr);
	is_int(req.hdr.nlmsg_type, RTM_NEWADDR, "add address type");
	is_int(req.hdr.nlmsg_flags, NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL, "add address flags");
	ok(!ct_nl_request_is_dump(&req), "NLM_F_EXCL is not taken for NLM_F_MATCH");
	is_int((int)ifa->ifa_index, 33, "add address goes to the new index");
	is_int(ifa->ifa_family, AF_INET, "add address family");
	is_int(ifa->ifa_prefixlen, 24, "add address prefix length");
	is_int(ifa->ifa_flags, IFA_F_PERMANENT, "ifa_flags keeps the low eight bits");
	is_int((int)attr_u32(find_attr(&req, sizeof(*ifa), IFA_FLAGS)), IFA_F_PERMANENT | IFA_F_NOPREFIXROUTE,
	       "IFA_FLAGS keeps every bit");
	const struct rtattr *local = find_attr(&req, sizeof(*ifa), IFA_LOCAL);
	ok(local != NULL && memcmp(RTA_DATA(local), v4.local, 4) == 0, "IFA_LOCAL");
	const struct rtattr *peer = find_attr(&req, sizeof(*ifa), IFA_ADDRESS);
	ok(peer != NULL && memcmp(RTA_DATA(peer), v4.address, 4) == 0, "IFA_ADDRESS");
	const struct rtattr *broadcast = find_attr(&req, sizeof(*ifa), IFA_BROADCAST);
	ok(broadcast != NULL && memcmp(RTA_DATA(broadcast), v4.broadcast, 4) == 0, "IFA_BROADCAST");

	struct ct_nl_address v6 = { .family = AF_INET6, .prefixlen = 64, .flags = IFA_F_PERMANENT | IFA_F_NODAD,
				    .address_len = 16 };
	inet_pton(AF_INET6, "fd00::1", v6.address);
	is_int(ct_nl_build_add_address(&req, 4, &v6), 0, "add IPv6 address builds");
	is_int(count_attrs(&req, sizeof(*ifa)), 2, "IPv6 has IFA_ADDRESS and IFA_FLAGS only");
	ok(find_attr(&req, sizeof(*ifa), IFA_LOCAL) == NULL, "IPv6 has no IFA_LOCAL");
}

static void test_request_overflow(void)
{
	struct ct_nl_request req;
	ct_nl_build_set_link_up(&req, 1);
	char big[sizeof(req.data)] = { 0 };
	uint32_t len = req.hdr.nlmsg_len;
	is_int(ct_nl_request_add_attr(&req, IFLA_IFALIAS, big, sizeof(big)), -EMSGSIZE, "a full request fails");
	is_int((int)req.hdr.nlmsg_len, (int)len, "a failed attribute leaves the request as it was");
	is_int(ct_nl_request_add_attr(&req, IFLA_IFALIAS, big, 16), 0, "a small attribute still fits");
}

/* ------------------------------------------------------------- replies */

struct reply_count {
	int calls;
	int fail_with;
};

static int count_reply(const struct nlmsghdr *msg, void *userdata)
{
	struct reply_count *count = userdata;
	(void)msg;
	count->calls++;
	return count->fail_with;
}

static void test_reply_parsing(void)
{
	struct reply_buffer buf = { .len = 0 };
	struct reply_count count = { 0 };
	int result = 0;

	append_error(&buf, 0);
	is_int(ct_nl_parse_replies(buf.data, buf.len, count_reply, &count, &result), 1, "an ack ends the request");
	is_int(result, 0, "an ack is success");
	is_int(count.calls, 0, "an ack is not a reply message");

	buf.len = 0;
	result = 0;
	append_error(&buf, -EEXIST);
	is_int(ct_nl_parse_replies(buf.data, buf.len, NULL, NULL, &result), 1, "an error ends the request");
	is_int(result, -EEXIST, "the kernel's errno");

	buf.len = 0;
	result = 0;
	append_ipv4_address(&buf, 2, "10.0.0.1", 8, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	append_ipv4_address(&buf, 3, "10.0.0.2", 8, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	is_int(ct_nl_parse_replies(buf.data, buf.len, count_reply, &count, &result), 0,
	       "a dump without NLMSG_DONE goes on");
	is_int(count.calls, 2, "each dump message reaches the handler");
	buf.len = 0;
	append_done(&buf, 0);
	is_int(ct_nl_parse_replies(buf.data, buf.len, count_reply, &count, &result), 1, "NLMSG_DONE ends a dump");
	is_int(result, 0, "a complete dump is success");

	buf.len = 0;
	result = 0;
	append_done(&buf, -ENOBUFS);
	is_int(ct_nl_parse_replies(buf.data, buf.len, NULL, NULL, &result), 1, "a failed dump ends");
	is_int(result, -ENOBUFS, "NLMSG_DONE carries the dump's errno");

	buf.len = 0;
	result = 0;
	count = (struct reply_count){ .fail_with = -ENOMEM };
	append_ipv4_address(&buf, 2, "10.0.0.1", 8, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	append_ipv4_address(&buf, 2, "10.0.0.2", 8, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	append_done(&buf, 0);
	is_int(ct_nl_parse_replies(buf.data, buf.len, count_reply, &count, &result), 1,
	       "a handler error still reads to the end");
	is_int(result, -ENOMEM, "the handler's error is the result");
	is_int(count.calls, 1, "no message reaches the handler after its error");

	buf.len = 0;
	result = 0;
	count = (struct reply_count){ 0 };
	append_ipv4_address(&buf, 2, "10.0.0.1", 8, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	buf.last->nlmsg_flags |= NLM_F_DUMP_INTR;
	append_done(&buf, 0);
	is_int(ct_nl_parse_replies(buf.data, buf.len, count_reply, &count, &result), 1, "an interrupted dump ends");
	is_int(result, -EAGAIN, "an interrupted dump is tried again");
	is_int(count.calls, 0, "an interrupted dump reaches no handler");

	buf.len = 0;
	result = 0;
	append_error(&buf, 0);
	buf.last->nlmsg_len += 64;
	is_int(ct_nl_parse_replies(buf.data, buf.len, NULL, NULL, &result), 1, "a truncated message ends");
	is_int(result, -EBADMSG, "a truncated message is an error");
}

static void test_link_parsing(void)
{
	struct reply_buffer buf = { .len = 0 };
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = 42 };
	append_message(&buf, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	uint32_t mtu = 1500;
	append_attr(&buf, IFLA_MTU, &mtu, sizeof(mtu));
	append_attr(&buf, IFLA_IFNAME, "dummy7", 7);

	struct ct_nl_link link;
	is_int(ct_nl_parse_link(buf.last, &link), 0, "RTM_NEWLINK parses");
	is_int(link.ifindex, 42, "link index");
	is_str(link.name, "dummy7", "link name among other attributes");

	buf.len = 0;
	struct ifaddrmsg ifa = { 0 };
	append_message(&buf, RTM_NEWADDR, 0, &ifa, sizeof(ifa));
	is_int(ct_nl_parse_link(buf.last, &link), -EBADMSG, "another message type is no link");
}

/* ------------------------------------------------------- address carry-over */

static void test_address_carry_over(void)
{
	static const struct {
		const char *name;
		int ifindex;
		uint8_t scope;
		uint8_t flags;
		int expected;
	} cases[] = {
		{ "permanent global address moves", 5, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT, 1 },
		{ "address with a lifetime stays", 5, RT_SCOPE_UNIVERSE, 0, 0 },
		{ "host scope address stays", 5, RT_SCOPE_HOST, IFA_F_PERMANENT, 0 },
		{ "link scope address stays", 5, RT_SCOPE_LINK, IFA_F_PERMANENT, 0 },
		{ "address of another device stays", 6, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct reply_buffer buf = { .len = 0 };
		append_ipv4_address(&buf, cases[i].ifindex, "192.0.2.7", 24, cases[i].scope, cases[i].flags);
		struct ct_nl_address addr;
		is_int(ct_nl_parse_address(buf.last, 5, &addr), cases[i].expected, "%s", cases[i].name);
	}

	struct reply_buffer buf = { .len = 0 };
	append_ipv4_address(&buf, 5, "192.0.2.7", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	struct in_addr broadcast;
	inet_pton(AF_INET, "192.0.2.255", &broadcast);
	append_attr(&buf, IFA_BROADCAST, &broadcast, sizeof(broadcast));
	append_attr(&buf, IFA_LABEL, "eth0", 5);
	struct ct_nl_address addr;
	is_int(ct_nl_parse_address(buf.last, 5, &addr), 1, "IPv4 address with a broadcast parses");
	is_int(addr.family, AF_INET, "IPv4 family");
	is_int(addr.prefixlen, 24, "IPv4 prefix length");
	is_int((int)addr.local_len, 4, "IFA_LOCAL kept");
	is_int((int)addr.broadcast_len, 4, "IFA_BROADCAST kept");
	char text[64];
	ct_nl_format_address(&addr, text, sizeof(text));
	is_str(text, "192.0.2.7", "IPv4 address text");

	/* A round trip: the request that adds it again carries the same data. */
	struct ct_nl_request req;
	is_int(ct_nl_build_add_address(&req, 77, &addr), 0, "the parsed address builds a request");
	const struct rtattr *rta = find_attr(&req, sizeof(struct ifaddrmsg), IFA_BROADCAST);
	ok(rta != NULL && memcmp(RTA_DATA(rta), &broadcast, 4) == 0, "the broadcast address goes along");
	ok(find_attr(&req, sizeof(struct ifaddrmsg), IFA_LABEL) == NULL, "the old label stays behind");

	/* IPv6: IFA_FLAGS has the bits past ifa_flags, and the transient
	 * states of the old address are dropped. */
	buf.len = 0;
	struct ifaddrmsg ifa = { .ifa_family = AF_INET6, .ifa_prefixlen = 64, .ifa_index = 5,
				 .ifa_scope = RT_SCOPE_UNIVERSE, .ifa_flags = IFA_F_TENTATIVE };
	struct in6_addr v6;
	inet_pton(AF_INET6, "fd00:231::1", &v6);
	uint32_t flags = IFA_F_PERMANENT | IFA_F_NODAD | IFA_F_TENTATIVE | IFA_F_DEPRECATED | IFA_F_MANAGETEMPADDR;
	append_message(&buf, RTM_NEWADDR, 0, &ifa, sizeof(ifa));
	append_attr(&buf, IFA_ADDRESS, &v6, sizeof(v6));
	append_attr(&buf, IFA_FLAGS, &flags, sizeof(flags));
	is_int(ct_nl_parse_address(buf.last, 5, &addr), 1, "IPv6 permanent address from IFA_FLAGS moves");
	is_int((int)addr.flags, IFA_F_PERMANENT | IFA_F_NODAD | IFA_F_MANAGETEMPADDR,
	       "transient states cleared, other flags kept");
	is_int((int)addr.address_len, 16, "IPv6 IFA_ADDRESS kept");
	is_int((int)addr.local_len, 0, "IPv6 has no IFA_LOCAL");
	ct_nl_format_address(&addr, text, sizeof(text));
	is_str(text, "fd00:231::1", "IPv6 address text");

	buf.len = 0;
	append_ipv4_address(&buf, 5, "192.0.2.7", 24, RT_SCOPE_UNIVERSE, IFA_F_PERMANENT);
	buf.last->nlmsg_type = RTM_DELADDR;
	is_int(ct_nl_parse_address(buf.last, 5, &addr), 0, "RTM_DELADDR is no address to move");
}

/* ---------------------------------------------------------------- names */

static void test_name_checks(void)
{
	struct libct_error err = { 0 };
	struct spec_net_device distinct[] = {
		{ .host_name = "veth0", .name = "eth0" },
		{ .host_name = "veth1", .name = NULL },
		{ .host_name = "dummy0", .name = "eth%d" },
		{ .host_name = "dummy1", .name = "eth%d" },
	};
	is_int(ct_netdev_check_names(distinct, 4, &err), 0, "distinct names and repeated templates pass");

	struct spec_net_device same[] = {
		{ .host_name = "veth0", .name = "eth1" },
		{ .host_name = "veth1", .name = "eth1" },
	};
	is_int(ct_netdev_check_names(same, 2, &err), -EEXIST, "two devices with one name fail");
	is_str(err.message,
	       "linux.netDevices[\"veth1\"]: name \"eth1\" in the container is also the name of "
	       "linux.netDevices[\"veth0\"]",
	       "the duplicate names both devices");

	struct spec_net_device kept[] = {
		{ .host_name = "veth0", .name = "veth1" },
		{ .host_name = "veth1", .name = NULL },
	};
	is_int(ct_netdev_check_names(kept, 2, &err), -EEXIST, "a new name equal to a kept host name fails");

	static const struct {
		const char *name;
		int expected;
	} templates[] = {
		{ "eth%d", 0 }, { "%d", 0 }, { "e%dx", 0 }, { "eth%s", -EINVAL }, { "eth%d%d", -EINVAL },
		{ "eth%", -EINVAL }, { "%%d", -EINVAL },
	};
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++) {
		struct spec_net_device device = { .host_name = "dummy0", .name = (char *)templates[i].name };
		is_int(ct_netdev_check_names(&device, 1, &err), templates[i].expected, "template \"%s\"",
		       templates[i].name);
	}
	struct spec_net_device bad = { .host_name = "dummy0", .name = "eth%s" };
	ct_netdev_check_names(&bad, 1, &err);
	is_str(err.message,
	       "linux.netDevices[\"dummy0\"]: invalid name template \"eth%s\": expected \"%d\" once and no "
	       "other \"%\"",
	       "the template error names the device and the template");
}

int main(void)
{
	test_get_link_requests();
	test_move_requests();
	test_address_requests();
	test_request_overflow();
	test_reply_parsing();
	test_link_parsing();
	test_address_carry_over();
	test_name_checks();
	return done_testing();
}
