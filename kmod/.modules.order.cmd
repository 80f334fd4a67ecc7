cmd_/work/main/kmod/modules.order := {   echo /work/main/kmod/knts.ko; :; } > /work/main/kmod/modules.order
