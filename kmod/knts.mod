/work/main/kmod/main.o
/work/main/kmod/netlink.o
/work/main/kmod/stats.o
