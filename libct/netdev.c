/* SPDX-License-Identifier: Apache-2.0 */
/*
 * linux.netDevices: moves existing host network devices into the
 * container's new network namespace, with raw rtnetlink.
 *
 * The runtime does this right after clone, while the init waits for its
 * release. The names are checked and every host device is looked up before
 * any is moved, so that a wrong name leaves the host as it was. Moving a device drops its addresses,
 * so its permanent global ones are read first and added again inside.
 *
 * Nothing happens at delete: the runtime-spec forbids moving a device back
 * out. When the namespace dies, the kernel returns physical devices to the
 * initial namespace and destroys virtual ones (docs/netdevices.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "netdev.h"
#include "terminal.h"

#define NL_BUF_SIZE 16384
/* How often an address dump that changed while the kernel made it is tried. */
#define DUMP_TRIES 5

/* The addresses of one link that move with it. */
struct address_list {
	int ifindex;
	struct ct_nl_address *items;
	size_t n_items;
};

/* ------------------------------------------------------------ netlink */

static int open_netlink(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	return fd < 0 ? -errno : fd;
}

/* Sends one request and reads replies until its ack, error or end of dump;
 * returns 0 or the negative errno the kernel reported. */
static int talk_netlink(int fd, struct ct_nl_request *req, ct_nl_reply_fn fn, void *userdata)
{
	static const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	if (!ct_nl_request_is_dump(req))
		req->hdr.nlmsg_flags |= NLM_F_ACK;
	req->hdr.nlmsg_seq = 1;
	if (sendto(fd, req, req->hdr.nlmsg_len, 0, (const struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;

	_cleanup_free_ char *buf = ct_malloc(NL_BUF_SIZE);
	int result = 0;
	for (;;) {
		/* MSG_TRUNC returns the full length, so a cut reply is seen. */
		ssize_t n = recv(fd, buf, NL_BUF_SIZE, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		if (n > NL_BUF_SIZE)
			return -EMSGSIZE;
		if (ct_nl_parse_replies(buf, (size_t)n, fn, userdata, &result) == 1)
			return result;
	}
}

/* ------------------------------------------------------------ links */

static int store_link(const struct nlmsghdr *msg, void *userdata)
{
	return msg->nlmsg_type == RTM_NEWLINK ? ct_nl_parse_link(msg, userdata) : 0;
}

/* Looks a link up by name, or by index when name is NULL. */
static int get_link(int fd, const char *name, int ifindex, struct ct_nl_link *ret_link)
{
	struct ct_nl_request req;
	int r = ct_nl_build_get_link(&req, name, ifindex);
	if (r < 0)
		return r;
	memset(ret_link, 0, sizeof(*ret_link));
	r = talk_netlink(fd, &req, store_link, ret_link);
	if (r == 0 && ret_link->ifindex <= 0)
		r = -ENODEV;
	return r;
}

static int move_link(int fd, int ifindex, int netns_fd, const char *name)
{
	struct ct_nl_request req;
	int r = ct_nl_build_move_link(&req, ifindex, netns_fd, name);
	return r < 0 ? r : talk_netlink(fd, &req, NULL, NULL);
}

static int set_link_up(int fd, int ifindex)
{
	struct ct_nl_request req;
	ct_nl_build_set_link_up(&req, ifindex);
	return talk_netlink(fd, &req, NULL, NULL);
}

/* ------------------------------------------------------------ addresses */

static int store_address(const struct nlmsghdr *msg, void *userdata)
{
	struct address_list *list = userdata;
	struct ct_nl_address addr;
	if (ct_nl_parse_address(msg, list->ifindex, &addr) == 0)
		return 0;
	list->items = ct_realloc(list->items, (list->n_items + 1) * sizeof(*list->items));
	list->items[list->n_items++] = addr;
	return 0;
}

/* Reads the addresses to carry over. A dump that changed while the kernel
 * made it (-EAGAIN) is read again, from the start. */
static int read_addresses(int fd, struct address_list *list)
{
	int r = -EAGAIN;
	for (int i = 0; i < DUMP_TRIES && r == -EAGAIN; i++) {
		list->n_items = 0;
		struct ct_nl_request req;
		ct_nl_build_dump_addresses(&req);
		r = talk_netlink(fd, &req, store_address, list);
	}
	return r;
}

static int add_address(int fd, int ifindex, const struct ct_nl_address *addr)
{
	struct ct_nl_request req;
	int r = ct_nl_build_add_address(&req, ifindex, addr);
	return r < 0 ? r : talk_netlink(fd, &req, NULL, NULL);
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

/* ------------------------------------------------------------ names */

static const char *container_name(const struct spec_net_device *dev)
{
	return dev->name != NULL ? dev->name : dev->host_name;
}

/* The kernel (dev_alloc_name()) accepts one "%d" and no other "%". */
static bool is_valid_template(const char *name)
{
	const char *percent = strchr(name, '%');
	return percent[1] == 'd' && strchr(percent + 1, '%') == NULL;
}

int ct_netdev_check_names(const struct spec_net_device *devices, size_t n_devices, struct libct_error *err)
{
	for (size_t i = 0; i < n_devices; i++) {
		const char *name = container_name(&devices[i]);
		bool template = strchr(name, '%') != NULL;
		if (template && !is_valid_template(name))
			return ct_error_set(err, EINVAL,
					    "linux.netDevices[\"%s\"]: invalid name template \"%s\": "
					    "expected \"%%d\" once and no other \"%%\"",
					    devices[i].host_name, name);
		for (size_t j = 0; j < i && !template; j++)
			if (strcmp(container_name(&devices[j]), name) == 0)
				return ct_error_set(err, EEXIST,
						    "linux.netDevices[\"%s\"]: name \"%s\" in the container is also "
						    "the name of linux.netDevices[\"%s\"]",
						    devices[i].host_name, name, devices[j].host_name);
	}
	return 0;
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

	return ct_netdev_check_names(linux_config->net_devices, linux_config->n_net_devices, err);
}

static int setup_inside(int nl, const struct spec_net_device *dev, int host_index,
			const struct address_list *addrs, struct libct_error *err)
{
	const char *name = container_name(dev);
	struct ct_nl_link link;
	/* move_link() keeps the index of a device with a template name. */
	int r = get_link(nl, strchr(name, '%') != NULL ? NULL : name, host_index, &link);
	if (r < 0)
		return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: find \"%s\" in the container", dev->host_name,
				    name);
	for (size_t i = 0; i < addrs->n_items; i++) {
		r = add_address(nl, link.ifindex, &addrs->items[i]);
		if (r < 0) {
			char text[64];
			ct_nl_format_address(&addrs->items[i], text, sizeof(text));
			return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: add address %s/%u to \"%s\"",
					    dev->host_name, text, addrs->items[i].prefixlen, link.name);
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
	const char *name = container_name(dev);
	_cleanup_free_ struct ct_nl_address *items = NULL;
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

/*
 * Fails when a name is taken in the container's namespace already. The
 * kernel moves a device before it renames it, so a failed rename would
 * leave the device in the container's namespace, which destroys it.
 */
static int check_free_names(int nl, const struct spec_linux *linux_config, struct libct_error *err)
{
	for (size_t i = 0; i < linux_config->n_net_devices; i++) {
		const struct spec_net_device *dev = &linux_config->net_devices[i];
		const char *name = container_name(dev);
		if (strchr(name, '%') != NULL)
			continue;
		struct ct_nl_link link;
		int r = get_link(nl, name, 0, &link);
		if (r == 0)
			return ct_error_set(err, EEXIST,
					    "linux.netDevices[\"%s\"]: name \"%s\" is taken in the container's "
					    "network namespace",
					    dev->host_name, name);
		if (r != -ENODEV)
			return ct_error_sys(err, -r, "linux.netDevices[\"%s\"]: look up \"%s\" in the container",
					    dev->host_name, name);
	}
	return 0;
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
		struct ct_nl_link link;
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

	int r = check_free_names(nl, linux_config, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < linux_config->n_net_devices; i++) {
		r = move_device(host_nl, netns_fd, nl, &linux_config->net_devices[i], indexes[i], err);
		if (r < 0)
			return r;
	}
	return 0;
}
