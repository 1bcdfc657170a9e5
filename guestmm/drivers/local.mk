# guestmm/drivers: device drivers (guest only). The DMA engine's driver and
# its in-guest tests (suite "dma": tests/integration/test_guest_dma).
guestmm_guestmm_elf_SOURCES += guestmm/drivers/dmadev.c \
	guestmm/drivers/tests/dmadev_test.c
