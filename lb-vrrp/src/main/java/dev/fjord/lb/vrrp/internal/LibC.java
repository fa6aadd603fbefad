package dev.fjord.lb.vrrp.internal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/** The few Linux libc calls lb-vrrp needs for raw sockets and network namespaces; errors throw with errno. */
public interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_INET = 2;
    int SOCK_RAW = 3;
    int SOL_SOCKET = 1;
    int SO_RCVTIMEO = 20;
    int SO_BINDTODEVICE = 25;
    int IPPROTO_IP = 0;
    int IP_TOS = 1;
    int IP_TTL = 2;
    int IP_MULTICAST_IF = 32;
    int IP_MULTICAST_TTL = 33;
    int IP_ADD_MEMBERSHIP = 35;
    int CLONE_NEWNET = 0x40000000;
    int EAGAIN = 11;
    int EPERM = 1;
    int AF_PACKET = 17;
    int AF_NETLINK = 16;
    int NETLINK_ROUTE = 0;
    int ETH_P_ARP = 0x0806;
    long SIOCGIFHWADDR = 0x8927;
    long SIOCGIFFLAGS = 0x8913;
    long SIOCGIFINDEX = 0x8933;
    int IFF_UP = 0x1;
    int IFF_RUNNING = 0x40;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int setsockopt(int fd, int level, int name, byte[] value, int length) throws LastErrorException;

    long sendto(int fd, byte[] buffer, long length, int flags, byte[] address, int addressLength)
            throws LastErrorException;

    long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int ioctl(int fd, long request, byte[] argument) throws LastErrorException;

    int if_nametoindex(String name) throws LastErrorException;

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int type) throws LastErrorException;
}
