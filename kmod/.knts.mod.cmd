cmd_/work/main/kmod/knts.mod := printf '%s\n'   main.o netlink.o stats.o | awk '!x[$$0]++ { print("/work/main/kmod/"$$0) }' > /work/main/kmod/knts.mod
