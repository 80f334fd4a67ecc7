cmd_/work/main/kmod/knts.o := ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments   -r -o /work/main/kmod/knts.o @/work/main/kmod/knts.mod 
