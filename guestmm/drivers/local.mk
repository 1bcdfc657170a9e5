# guestmm/drivers: device drivers (guest only). The DMA engine's driver and
# its in-guest tests (suite "dma": tests/integration/test_guest_dma), and
# the planted DMA bugs the VMM must catch (suite "checkbug", run only by
# tests/integration/test_dma_checkbug).
guestmm_guestmm_elf_SOURCES += guestmm/drivers/dmadev.c \
	guestmm/drivers/tests/dmadev_test.c \
	guestmm/drivers/tests/dmadev_checkbug_test.c
