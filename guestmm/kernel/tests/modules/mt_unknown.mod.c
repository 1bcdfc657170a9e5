#include <linux/module.h>
#include <linux/vermagic.h>
MODULE_INFO(name, KBUILD_MODNAME);
MODULE_INFO(vermagic, VERMAGIC_STRING);
