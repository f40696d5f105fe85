// Text from untrusted bytes made safe to print on a terminal: a message that quotes a file's key,
// a field or a path cannot carry an escape sequence or break the line.
#pragma once
#include <string>
#include <string_view>

namespace newsclf {

// The text with control characters (C0, DEL and the C1 range U+0080-U+009F) and bytes that are not
// UTF-8 written as \xNN; tab too, since messages are one line. Printable UTF-8 passes unchanged.
std::string printable(std::string_view text);

}  // namespace newsclf
