#ifndef SIGIL_CMNL_SHIM_H
#define SIGIL_CMNL_SHIM_H
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/wireguard.h>
#include <unistd.h>

// MNL_* size macros call sysconf or use expressions Swift cannot import; expose them as functions.
static inline size_t cmnl_socket_buffer_size(void) { return MNL_SOCKET_BUFFER_SIZE; }
static inline size_t cmnl_nlmsg_hdrlen(void) { return MNL_NLMSG_HDRLEN; }
static inline size_t cmnl_attr_hdrlen(void) { return MNL_ATTR_HDRLEN; }
#endif
