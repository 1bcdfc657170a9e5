# vmm: build rules
