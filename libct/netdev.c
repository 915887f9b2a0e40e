/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.netDevices: moves existing host network devices into the
 * container's new network namespace, with raw rtnetlink.
 *
 * The runtime does this right after clone, while the init waits for its
 * release. Every host device is looked up before any is moved, so that a
 * wrong name leaves the host as it was. Moving a device drops its addresses,
 * so its permanent global ones are read first and added again inside.
 *
 * Nothing happens at delete: the runtime-spec forbids moving a device back
 * out. When the namespace dies, the kernel returns physical devices to the
 * initial namespace and destroys virtual ones (docs/netdevices.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "terminal.h"

#define NL_BUF_SIZE 16384

struct nl_request {
	struct nlmsghdr hdr;
	char data[1024];
};

struct saved_address {
	struct ifaddrmsg msg;
	uint32_t flags; /* IFA_FLAGS, which contains the bits past the first eight */
	uint8_t local[16];
	uint8_t address[16];
	uint8_t broadcast[4];
	size_t local_len;
	size_t address_len;
	size_t broadcast_len;
};

struct address_list {
	int ifindex;
	struct saved_address *items;
	size_t n_items;
};

struct link_info {
	int ifindex;
	char name[IFNAMSIZ];
};

typedef int (*nl_reply_fn)(const struct nlmsghdr *msg, void *userdata);

/* ------------------------------------------------------------ netlink */

static int open_netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return fd < 0 ? -errno : fd;
}

static void start_request(struct nl_request *req, uint16_t type, uint16_t flags, const void *header, size_t len)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = NLM_F_REQUEST | flags;
	req->hdr.nlmsg_len = (uint32_t)NLMSG_LENGTH(len);
	memcpy(NLMSG_DATA(&req->hdr), header, len);
}

static void add_attr(struct nl_request *req, uint16_t type, const void *data, size_t len)
{
	size_t offset = NLMSG_ALIGN(req->hdr.nlmsg_len);
	/* Requests here hold at most a few small attributes. */
	if (offset + RTA_SPACE(len) > sizeof(*req))
		abort();
	struct rtattr *rta = (struct rtattr *)((char *)req + offset);
	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	req->hdr.nlmsg_len = (uint32_t)(offset + RTA_SPACE(len));
}

/* Sends one request and reads replies until its ack, error or end of dump;
 * returns 0 or the negative errno the kernel reported. */
static int talk_netlink(int fd, struct nl_request *req, nl_reply_fn fn, void *userdata)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	/* NLM_F_EXCL and NLM_F_MATCH share a bit, so a new address with
	 * NLM_F_EXCL must not count as a dump. */
	bool dump = (req->hdr.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP && req->hdr.nlmsg_type == RTM_GETADDR;
	if (!dump)
		req->hdr.nlmsg_flags |= NLM_F_ACK;
	req->hdr.nlmsg_seq = 1;
	if (sendto(fd, req, req->hdr.nlmsg_len, 0, (const struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;

	_cleanup_free_ char *buf = ct_malloc(NL_BUF_SIZE);
	int result = 0;
	for (;;) {
		ssize_t n = recv(fd, buf, NL_BUF_SIZE, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		size_t len = (size_t)n;
		for (struct nlmsghdr *msg = (struct nlmsghdr *)buf; NLMSG_OK(msg, len); msg = NLMSG_NEXT(msg, len)) {
			if (msg->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(msg);
				return result < 0 ? result : e->error;
			}
			if (msg->nlmsg_type == NLMSG_DONE)
				return result;
			if (fn != NULL && result == 0)
				result = fn(msg, userdata);
		}
	}
}

/* ------------------------------------------------------------ links */

static int parse_link(const struct nlmsghdr *msg, void *userdata)
{
	struct link_info *info = userdata;
	if (msg->nlmsg_type != RTM_NEWLINK)
		return 0;
	const struct ifinfomsg *ifi = NLMSG_DATA(msg);
	int len = (int)IFLA_PAYLOAD(msg);
	info->ifindex = ifi->ifi_index;
	for (const struct rtattr *rta = IFLA_RTA(ifi); RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
		if (rta->rta_type == IFLA_IFNAME)
			snprintf(info->name, sizeof(info->name), "%s", (const char *)RTA_DATA(rta));
	}
	return 0;
}

/* Looks a link up by name, or by index when name is NULL. */
static int get_link(int fd, const char *name, int ifindex, struct link_info *ret_info)
{
	struct nl_request req;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = name == NULL ? ifindex : 0 };
	start_request(&req, RTM_GETLINK, 0, &ifi, sizeof(ifi));
	if (name != NULL)
		add_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	memset(ret_info, 0, sizeof(*ret_info));
	int r = talk_netlink(fd, &req, parse_link, ret_info);
	if (r == 0 && ret_info->ifindex <= 0)
		r = -ENODEV;
	return r;
}

static int move_link(int fd, int ifindex, int netns_fd, const char *name)
{
	bool template = strchr(name, '%') != NULL;
	struct nl_request req;
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex };
	uint32_t ns = (uint32_t)netns_fd;
	start_request(&req, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	add_attr(&req, IFLA_NET_NS_FD, &ns, sizeof(ns));
	/* The kernel moves the device under its host name and then renames it
	 * in the target namespace, where a name with %d gets a free number and
	 * a taken name fails with EEXIST. */
	add_attr(&req, IFLA_IFNAME, name, strlen(name) + 1);
	/* The final name of a template is unknown here, so the device keeps its
	 * index, and the move fails if the namespace uses that index already. */
	if (template)
		add_attr(&req, IFLA_NEW_IFINDEX, &ifindex, sizeof(ifindex));
	return talk_netlink(fd, &req, NULL, NULL);
}

static int set_link_up(int fd, int ifindex)
{
	struct nl_request req;
	struct ifinfomsg ifi = {
		.ifi_family = AF_UNSPEC, .ifi_index = ifindex, .ifi_flags = IFF_UP, .ifi_change = IFF_UP
	};
	start_request(&req, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	return talk_netlink(fd, &req, NULL, NULL);
}

/* ------------------------------------------------------------ addresses */

static void copy_attr(const struct rtattr *rta, uint8_t *dst, size_t cap, size_t *ret_len)
{
	size_t len = RTA_PAYLOAD(rta);
	if (len > cap)
		return;
	memcpy(dst, RTA_DATA(rta), len);
	*ret_len = len;
}

static int parse_address(const struct nlmsghdr *msg, void *userdata)
{
	struct address_list *list = userdata;
	if (msg->nlmsg_type != RTM_NEWADDR)
		return 0;
	const struct ifaddrmsg *ifa = NLMSG_DATA(msg);
	if ((int)ifa->ifa_index != list->ifindex || ifa->ifa_scope != RT_SCOPE_UNIVERSE)
		return 0;

	struct saved_address addr = { .msg = *ifa, .flags = ifa->ifa_flags };
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
	/* States of the old address, which the kernel sets again itself. */
	addr.flags &= ~(uint32_t)(IFA_F_TENTATIVE | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_OPTIMISTIC);
	addr.msg.ifa_flags = (uint8_t)addr.flags;

	struct saved_address *items = ct_realloc(list->items, (list->n_items + 1) * sizeof(*items));
	items[list->n_items++] = addr;
	list->items = items;
	return 0;
}

static int read_addresses(int fd, struct address_list *list)
{
	struct nl_request req;
	struct ifaddrmsg ifa = { .ifa_family = AF_UNSPEC };
	start_request(&req, RTM_GETADDR, NLM_F_DUMP, &ifa, sizeof(ifa));
	return talk_netlink(fd, &req, parse_address, list);
}

static int add_address(int fd, int ifindex, const struct saved_address *addr)
{
	struct nl_request req;
	struct ifaddrmsg ifa = addr->msg;
	ifa.ifa_index = (uint32_t)ifindex;
	start_request(&req, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
	if (addr->local_len > 0)
		add_attr(&req, IFA_LOCAL, addr->local, addr->local_len);
	if (addr->address_len > 0)
		add_attr(&req, IFA_ADDRESS, addr->address, addr->address_len);
	if (addr->broadcast_len > 0)
		add_attr(&req, IFA_BROADCAST, addr->broadcast, addr->broadcast_len);
	add_attr(&req, IFA_FLAGS, &addr->flags, sizeof(addr->flags));
	return talk_netlink(fd, &req, NULL, NULL);
}

static void format_address(const struct saved_address *addr, char *buf, size_t size)
{
	const void *bytes = addr->local_len > 0 ? addr->local : addr->address;
	if (inet_ntop(addr->msg.ifa_family, bytes, buf, (socklen_t)size) == NULL)
		snprintf(buf, size, "?");
}

/* ------------------------------------------------------------ namespace */

/* Opens a netlink socket in the namespace of netns_fd. A socket works in the
 * namespace it was created in, so a short-lived child creates it there and
 * passes it back. The runtime itself never changes namespace. */
static int open_netlink_in(int netns_fd, struct libct_error *err)
{
	int fds[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		return ct_error_sys(err, errno, "create socket pair for a netlink socket");
	_cleanup_close_ int parent_end = fds[0];
	_cleanup_close_ int child_end = fds[1];

	pid_t pid = fork();
	if (pid < 0)
		return ct_error_sys(err, errno, "fork to open a netlink socket");
	if (pid == 0) {
		struct libct_error ignored = { 0 };
		int nl = setns(netns_fd, CLONE_NEWNET) < 0 ? -1 : open_netlink();
		if (nl < 0 || ct_terminal_send_fd(child_end, nl, "netlink", &ignored) < 0)
			_exit(1);
		_exit(0);
	}
	ct_closep(&child_end);
	int nl = -1;
	int r = ct_terminal_recv_fd(parent_end, &nl, err);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return ct_error_prefix(err, "open a netlink socket in the container's network namespace");
	return nl;
}

/* ------------------------------------------------------------ entry points */

int ct_netdev_check(const struct spec_config *config, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	if (linux_config->n_net_devices == 0)
		return 0;

	bool new_net = false;
	bool joined_user = false;
	for (size_t i = 0; i < linux_config->n_namespaces; i++) {
		const struct spec_namespace *ns = &linux_config->namespaces[i];
		if (ns->type == SPEC_NS_NETWORK && ns->path == NULL)
			new_net = true;
		if (ns->type == SPEC_NS_USER && ns->path != NULL)
			joined_user = true;
	}
	if (!new_net)
		return ct_error_set(err, EINVAL, "linux.netDevices: requires a new network namespace");
	/* Then the init makes its network namespace only after its release,
	 * too late for the runtime to move devices before the init is ready. */
	if (joined_user)
		return ct_error_set(err, ENOTSUP, "linux.netDevices: not supported with a joined user namespace");

	for (size_t i = 0; i < linux_config->n_net_devices; i++) {
		const struct spec_net_device *dev = &linux_config->net_devices[i];
		const char *name = dev->name != NULL ? dev->name : dev->host_name;
		if (strlen(dev->host_name) == 0 || strlen(dev->host_name) >= IFNAMSIZ)
			return ct_error_set(err, EINVAL, "linux.netDevices[\"%s\"]: invalid device name", dev->host_name);
		if (strlen(name) == 0 || strlen(name) >= IFNAMSIZ || strchr(name, '/') != NULL)
			return ct_error_set(err, EINVAL, "linux.netDevices[\"%s\"].name \"%s\": invalid device name",
					    dev->host_name, name);
	}
	return 0;
}

static int setup_inside(int nl, const struct spec_net_device *dev, int host_index,
			const struct address_list *addrs, struct libct_error *err)
{
	const char *name = dev->name != NULL ? dev->name : dev->host_name;
	struct link_info link;
	/* move_link() keeps the index of a device with a template name. */
	int r = get_link(nl, strchr(name, '%') != NULL ? NULL : name, host_index, &link);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: find \"%s\" in the container", dev->host_name,
				    name);
	for (size_t i = 0; i < addrs->n_items; i++) {
		r = add_address(nl, link.ifindex, &addrs->items[i]);
		if (r < 0) {
			char text[64];
			format_address(&addrs->items[i], text, sizeof(text));
			return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: add address %s/%u to \"%s\"",
					    dev->host_name, text, addrs->items[i].msg.ifa_prefixlen, link.name);
		}
	}
	r = set_link_up(nl, link.ifindex);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: set \"%s\" up", dev->host_name, link.name);
	return 0;
}

static int move_device(int host_nl, int netns_fd, int nl, const struct spec_net_device *dev, int host_index,
		       struct libct_error *err)
{
	const char *name = dev->name != NULL ? dev->name : dev->host_name;
	_cleanup_free_ struct saved_address *items = NULL;
	struct address_list addrs = { .ifindex = host_index };
	int r = read_addresses(host_nl, &addrs);
	items = addrs.items;
	if (r < 0)
		return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: read its addresses", dev->host_name);
	r = move_link(host_nl, host_index, netns_fd, name);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: move to the container as \"%s\"",
				    dev->host_name, name);
	return setup_inside(nl, dev, host_index, &addrs, err);
}

int ct_netdev_move(const struct spec_config *config, pid_t pid, struct libct_error *err)
{
	const struct spec_linux *linux_config = &config->linux_config;
	if (linux_config->n_net_devices == 0)
		return 0;

	_cleanup_close_ int host_nl = open_netlink();
	if (host_nl < 0)
		return ct_error_sys(err, -host_nl, "linux.netDevices: open a netlink socket");
	_cleanup_free_ int *indexes = ct_calloc(linux_config->n_net_devices, sizeof(int));
	for (size_t i = 0; i < linux_config->n_net_devices; i++) {
		const struct spec_net_device *dev = &linux_config->net_devices[i];
		struct link_info link;
		int r = get_link(host_nl, dev->host_name, 0, &link);
		if (r == -ENODEV)
			return ct_error_set(err, ENODEV, "linux.netDevices[\"%s\"]: no such device on the host",
					    dev->host_name);
		if (r < 0)
			return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: look up the host device",
					    dev->host_name);
		indexes[i] = link.ifindex;
	}

	_cleanup_free_ char *path = ct_asprintf("/proc/%d/ns/net", pid);
	_cleanup_close_ int netns_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (netns_fd < 0)
		return ct_error_sys(err, errno, "linux.netDevices: open %s", path);
	_cleanup_close_ int nl = open_netlink_in(netns_fd, err);
	if (nl < 0)
		return ct_error_prefix(err, "linux.netDevices");

	for (size_t i = 0; i < linux_config->n_net_devices; i++) {
		int r = move_device(host_nl, netns_fd, nl, &linux_config->net_devices[i], indexes[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
