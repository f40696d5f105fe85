// xz and gzip decoders over whole buffers, and the magic bytes that choose between them.
#include "newsclf/io/decompression.hpp"

#include <lzma.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <thread>

#include "newsclf/base/error.hpp"

namespace newsclf {
namespace {

bool is_xz(std::string_view b) { return b.size() >= 6 && std::memcmp(b.data(), "\xFD" "7zXZ\0", 6) == 0; }
bool is_gzip(std::string_view b) {
    return b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0x1F && static_cast<unsigned char>(b[1]) == 0x8B;
}

std::string decompress_xz(const std::string& in, const std::string& source) {
    lzma_stream strm = LZMA_STREAM_INIT;
    // Files written in several blocks (xz -T) are decoded by one thread per core.
    lzma_mt mt{};
    mt.flags = LZMA_CONCATENATED;
    mt.threads = std::max(1u, std::thread::hardware_concurrency());
    mt.memlimit_threading = lzma_physmem() / 4;
    mt.memlimit_stop = UINT64_MAX;
    if (lzma_stream_decoder_mt(&strm, &mt) != LZMA_OK)
        throw IoError(source + ": cannot start the xz decoder");
    std::string out;
    out.resize(in.size() * 4 + 4096);
    strm.next_in = reinterpret_cast<const uint8_t*>(in.data());
    strm.avail_in = in.size();
    lzma_ret ret = LZMA_OK;
    while (ret == LZMA_OK) {
        if (strm.total_out == out.size()) out.resize(out.size() * 2);
        strm.next_out = reinterpret_cast<uint8_t*>(&out[strm.total_out]);
        strm.avail_out = out.size() - strm.total_out;
        ret = lzma_code(&strm, strm.avail_in > 0 ? LZMA_RUN : LZMA_FINISH);  // FINISH early would stop the threads
    }
    std::size_t total = strm.total_out;
    lzma_end(&strm);
    if (ret != LZMA_STREAM_END)
        throw DataError(source + ": xz data is corrupt or truncated (lzma error " + std::to_string(ret) + ")");
    out.resize(total);
    return out;
}

std::string decompress_gzip(const std::string& in, const std::string& source) {
    z_stream strm{};
    if (inflateInit2(&strm, 16 + MAX_WBITS) != Z_OK) throw IoError(source + ": cannot start the gzip decoder");
    std::string out;
    out.resize(in.size() * 4 + 4096);
    strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    std::size_t consumed = 0, produced = 0;
    int ret = Z_OK;
    for (;;) {
        if (produced == out.size()) out.resize(out.size() * 2);
        // zlib counts in 32-bit units: a buffer over 4 GiB goes through in pieces.
        std::size_t in_chunk = std::min<std::size_t>(in.size() - consumed, 1u << 30);
        std::size_t out_chunk = std::min<std::size_t>(out.size() - produced, 1u << 30);
        strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
        strm.avail_in = static_cast<uInt>(in_chunk);
        strm.next_out = reinterpret_cast<Bytef*>(&out[produced]);
        strm.avail_out = static_cast<uInt>(out_chunk);
        ret = inflate(&strm, Z_NO_FLUSH);
        consumed += in_chunk - strm.avail_in;
        produced += out_chunk - strm.avail_out;
        if (ret == Z_STREAM_END) {
            if (consumed < in.size()) {  // concatenated members, as gzip -dc reads them
                inflateReset(&strm);
                continue;
            }
            break;
        }
        if (ret != Z_OK && ret != Z_BUF_ERROR) break;
        if (ret == Z_BUF_ERROR && consumed == in.size() && produced < out.size()) break;
    }
    inflateEnd(&strm);
    if (ret != Z_STREAM_END)
        throw DataError(source + ": gzip data is corrupt or truncated (zlib error " + std::to_string(ret) + ")");
    out.resize(produced);
    return out;
}

}  // namespace

bool is_compressed(std::string_view bytes) { return is_xz(bytes) || is_gzip(bytes); }

std::string decompress_if_compressed(std::string bytes, const std::string& source) {
    if (is_xz(bytes)) return decompress_xz(bytes, source);
    if (is_gzip(bytes)) return decompress_gzip(bytes, source);
    return bytes;
}

}  // namespace newsclf
