/* SPDX-License-Identifier: MIT */
/*
 * A guest's string is data: whatever its bytes, the VMM turns it into valid
 * UTF-8 before it goes anywhere (a JSON string refuses anything else, and a
 * refused string made its whole record vanish). Each byte that is not part
 * of a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) becomes the four characters \xHH, as Linux's
 * string_escape_mem and QEMU's HMP print them. Control characters stay:
 * JSON escapes them, and vmmctl escapes them on a terminal. Pure.
 */
#ifndef VMM_CONTROL_GUEST_STR_H
#define VMM_CONTROL_GUEST_STR_H

#include <stddef.h>

/*
 * Copies [@src, @src + @len) (stopping at a NUL) into @dst of @size bytes
 * (@size >= 1; always NUL-terminated), escaping the bytes that are not
 * UTF-8, and cutting only between whole characters or escapes. Returns how
 * many source bytes were escaped (0: the string was valid UTF-8).
 */
size_t guest_str_escape(char *dst, size_t size, const char *src, size_t len);

#endif
