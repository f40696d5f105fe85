#include "newsclf/model/model_file.hpp"

#include <dirent.h>
#include <algorithm>
#include <cmath>
#include <sys/stat.h>
#include <simdjson.h>

#include "newsclf/base/error.hpp"
#include "newsclf/base/printable.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/base/json.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/base/half.hpp"
#include "newsclf/base/huge_pages.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/formats/token_stream.hpp"

namespace newsclf {

namespace {

std::string labels_json() {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (std::size_t i = 0; i < label_count; ++i)
        w.begin_object().member("code", label_codes[i]).member("name", label_names[i]).end_object();
    w.end_array();
    return out;
}

std::string self_tests_json(const std::vector<SelfTest>& tests) {
    std::string out;
    JsonWriter w(out);
    w.begin_array();
    for (const auto& t : tests) {
        w.begin_object().member("title", t.title).key("probabilities").begin_array();
        for (std::size_t c = 0; c < label_count; ++c) w.value(t.probabilities[c]);
        w.end_array().end_object();
    }
    w.end_array();
    return out;
}

std::vector<SelfTest> parse_self_tests(const std::string& json, const std::string& source) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::vector<SelfTest> tests;
    if (parser.parse(json).get(doc) || !doc.is_array()) throw FormatError(source + ": the self-tests are not a JSON array; the file is corrupt");
    for (auto item : doc.get_array()) {
        SelfTest t;
        std::string_view title;
        simdjson::dom::array probabilities;
        if (item["title"].get_string().get(title) || item["probabilities"].get_array().get(probabilities) ||
            probabilities.size() != label_count)
            throw FormatError(source + ": a self-test entry is malformed; the file is corrupt");
        t.title = title;
        std::size_t c = 0;
        for (auto p : probabilities) {
            double v;
            if (p.get_double().get(v)) throw FormatError(source + ": a self-test probability is not a number");
            t.probabilities[c++] = static_cast<float>(v);
        }
        tests.push_back(std::move(t));
    }
    return tests;
}

format::DType dtype_of(Storage storage) {
    switch (storage) {
    case Storage::f16: return format::DType::f16;
    case Storage::q8: return format::DType::q8;
    case Storage::q4: return format::DType::q4;
    default: return format::DType::f32;
    }
}

// A quantized tensor's rows are its first dimension, the rest one row.
std::size_t row_count(const std::vector<std::size_t>& shape) { return shape.empty() ? 1 : shape[0]; }
std::size_t size_of_row(const std::vector<std::size_t>& shape) {
    std::size_t n = 1;
    for (std::size_t k = 1; k < shape.size(); ++k) n *= shape[k];
    return n;
}

void write_tensor(ByteWriter& w, const std::string& name, const std::vector<std::size_t>& shape, const float* data,
                  Storage storage) {
    w.string16(name);
    w.u8(static_cast<std::uint8_t>(dtype_of(storage)));
    w.u8(static_cast<std::uint8_t>(shape.size()));
    std::size_t n = 1;
    for (auto d : shape) {
        w.u64(d);
        n *= d;
    }
    if (is_quantized(storage))
        w.quantized_rows(data, row_count(shape), shape.empty() ? 1 : size_of_row(shape), quantized_bits(storage));
    else if (storage == Storage::f16)
        w.f16_array(data, n);
    else
        w.f32_array(data, n);
}

// How a model keeps a block in its file: a quantized model's f16 blocks are q8 or q4.
Storage file_storage(const Model& m, const ParameterBlock& b) {
    return b.storage == Storage::f16 ? m.table_storage : b.storage;
}

// A tensor as the file holds it: the data stay encoded until their destination is known, so that
// a model of hundreds of megabytes is decoded once, straight into its parameter buffer.
struct TensorView {
    std::string name;
    Storage storage = Storage::f32;
    std::vector<std::size_t> shape;
    std::size_t size = 1;
    std::string_view data;
    // Decodes into out; a NaN or infinity is refused, naming the tensor and the value's index,
    // since it would silently turn every answer into the same class.
    void decode(float* out, const std::string& source) const {
        ByteReader r(data, source);
        if (is_quantized(storage))
            r.quantized_rows(out, row_count(shape), shape.empty() ? 1 : size_of_row(shape), quantized_bits(storage), "tensor data");
        else if (storage == Storage::f16)
            r.f16_array(out, size, "tensor data");
        else
            r.f32_array(out, size, "tensor data");
        const float* bad = std::find_if(out, out + size, [](float v) { return !std::isfinite(v); });
        if (bad != out + size)
            r.fail("tensor \"" + name + "\" holds " + (std::isnan(*bad) ? "a NaN" : "an infinity") + " at index " +
                   std::to_string(bad - out) + "; the model is corrupt or was trained to divergence, so re-train it");
    }
};

TensorView read_tensor(ByteReader& r, std::uint32_t minor) {
    TensorView t;
    t.name = r.string16("a tensor name");
    auto dtype = r.u8("a tensor type");
    const std::uint8_t last = static_cast<std::uint8_t>(minor >= format::model_minor_quantized ? format::DType::q4 : format::DType::f16);
    if (dtype < static_cast<std::uint8_t>(format::DType::f32) || dtype > last)
        r.fail("tensor \"" + printable(t.name) + "\" has unknown type " + std::to_string(dtype) + "; the file is corrupt or newer than this newsclf");
    static constexpr Storage storages[] = {Storage::f32, Storage::f16, Storage::q8, Storage::q4};
    t.storage = storages[dtype - 1];
    const bool quantized = is_quantized(t.storage);
    const std::size_t width = t.storage == Storage::f16 ? 2 : 4;
    std::uint8_t ndim = r.u8("a tensor rank");
    std::size_t cols = 1;
    for (std::uint8_t i = 0; i < ndim; ++i) {
        std::uint64_t d = r.u64("a tensor dimension");
        // A quantized tensor leaves zero rows out; its bitmap (a bit a row) and its rows' width bound it instead.
        bool too_large = quantized ? (i == 0 ? d / 8 > r.remaining() : (d != 0 && cols > format::quantized_max_cols / d))
                                   : (d != 0 && t.size > r.remaining() / width / d);
        if (i > 0) cols *= d;
        if (quantized && d != 0 && t.size * d / format::quantized_max_expansion > r.position() + r.remaining()) too_large = true;
        if (too_large) r.fail("tensor \"" + printable(t.name) + "\" is larger than the file; the file is truncated or corrupt");
        t.shape.push_back(d);
        t.size *= d;
    }
    t.data = quantized ? r.quantized_bytes(row_count(t.shape), cols, quantized_bits(t.storage), "tensor data")
                       : r.raw(width * t.size, "tensor data");
    return t;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
    std::string text = "[";
    for (std::size_t k = 0; k < shape.size(); ++k) text += (k ? "," : "") + std::to_string(shape[k]);
    return text + "]";
}

// The network of a model's arch; shapes that make no network are a corrupt file.
std::unique_ptr<Network> network_of(const Model& m, const std::string& source) {
    try {
        return architecture(m.options.arch).network(m);
    } catch (const UsageError& e) {
        throw FormatError(source + ": " + e.what() + "; the file is corrupt");
    }
}

// A model about to be written was built by newsclf, so an arch it cannot rebuild is a bug.
std::unique_ptr<Network> network_to_write(const Model& m) {
    try {
        return architecture(m.options.arch).network(m);
    } catch (const UsageError& e) {
        throw InternalError(std::string("the model to write: ") + e.what());
    }
}

void write_shape(JsonWriter& w, const std::vector<std::size_t>& shape) {
    w.begin_array();
    for (std::size_t d : shape) w.value(d);
    w.end_array();
}

// A model without calibration holds nothing that 1.3 added, so it is written as 1.2, as it was.
// The same for a model without quantized tensors as 1.3.
std::uint32_t minor_version(const Model& m) {
    if (!m.calibration_json.empty()) return format::model_minor_calibrated;
    return is_quantized(m.table_storage) ? format::model_minor_quantized : format::model_minor;
}

// The temperature of a calibration entry; a FormatError when it has none that is positive.
double calibration_temperature(const std::string& json, const std::string& source) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    double t = 0;
    if (parser.parse(json).get(doc) || !doc.is_object() || doc["temperature"].get_double().get(t) || !(t > 0) ||
        !std::isfinite(t))
        throw FormatError(source + ": the calibration entry has no positive \"temperature\"; the file is corrupt");
    return t;
}

void write_model_summary(JsonWriter& w, const Model& m) {
    auto network = network_to_write(m);
    w.begin_object();
    w.member("format", "newsclf-model/" + std::to_string(format::model_major) + "." + std::to_string(minor_version(m)));
    w.member("arch", m.options.arch);
    w.raw_member("hyperparameters", hyperparameters_json(m.options));
    w.member("max_words", m.max_words);
    w.member("vocabulary_size", m.vocabulary.size());
    w.raw_member("normalizer", normalizer_to_json(m.normalizer));
    w.raw_member("labels", labels_json());
    w.key("tensors").begin_object();
    if (m.embedding.size() > 0) write_shape(w.key("embedding"), {m.embedding.shape(0), m.embedding.shape(1)});
    for (const auto& b : network->parameter_blocks()) write_shape(w.key(b.name), b.shape);
    w.end_object();
    w.member("parameters", m.parameters.size());
    if (!m.members.empty()) {
        w.key("members").begin_array();
        for (const auto& member : m.members) write_model_summary(w, member);
        w.end_array();
    }
    w.raw_member("training", m.training_json.empty() ? std::string("{}") : m.training_json);
    if (!m.calibration_json.empty()) w.raw_member("calibration", m.calibration_json);
    w.raw_member("self_tests", self_tests_json(m.self_tests));
    w.end_object();
}

}  // namespace

std::string model_bytes(const Model& model) {
    auto network = network_to_write(model);
    if (network->parameter_count() != model.parameters.size())
        throw InternalError("the parameter buffer does not match the network");
    Metadata meta;
    meta["arch"] = model.options.arch;
    meta["max_words"] = model.max_words;
    meta["labels"] = JsonText{labels_json()};
    meta["normalizer"] = JsonText{normalizer_to_json(model.normalizer)};
    std::string vocabulary = model.vocabulary.to_text();
    const std::size_t metadata_bytes = vocabulary.size() + model.training_json.size() + 65536;
    meta["vocabulary"] = std::move(vocabulary);
    meta["hyperparameters"] = JsonText{hyperparameters_json(model.options)};
    meta["training"] = JsonText{model.training_json.empty() ? "{}" : model.training_json};
    meta["self_tests"] = JsonText{self_tests_json(model.self_tests)};
    if (!model.calibration_json.empty()) meta["calibration"] = JsonText{model.calibration_json};
    ByteWriter w;
    auto blocks = network->parameter_blocks();
    // The tensors' bytes are known: one allocation instead of a string doubling (and copying) its
    // way up to hundreds of megabytes.
    std::size_t tensor_bytes = 4 * model.embedding.size() + 4096 * (blocks.size() + 1);
    for (const auto& b : blocks) tensor_bytes += (b.storage == Storage::f16 && !is_quantized(model.table_storage) ? 2 : 4) * b.size();
    w.bytes().reserve(tensor_bytes + metadata_bytes);
    write_header(w, format::model_kind, format::model_major, minor_version(model), meta);
    const bool has_embedding = model.embedding.size() > 0;
    const std::size_t items = blocks.size() + (has_embedding ? 1 : 0);
    w.u32(static_cast<std::uint32_t>(items));
    if (has_embedding)
        write_tensor(w, "embedding", {model.embedding.shape(0), model.embedding.shape(1)}, model.embedding.data(),
                     is_quantized(model.table_storage) ? model.table_storage : Storage::f32);
    for (const auto& b : blocks) write_tensor(w, b.name, b.shape, model.parameters.data() + b.offset, file_storage(model, b));
    w.u32(static_cast<std::uint32_t>(model.members.size()));
    for (const auto& member : model.members) w.string64(model_bytes(member));
    std::string bytes = std::move(w.bytes());
    bytes += make_trailer(bytes.size(), items, crc32_of(bytes));
    return bytes;
}

bool is_model_file(std::string_view bytes) { return container_kind(bytes) == format::model_kind; }

Model parse_model(std::string_view bytes, const std::string& source) {
    std::uint64_t tensor_count = 0;
    ByteReader probe(bytes, source);  // kind and version first: another kind or a newer file fails its trailer check
    read_magic(probe, format::model_kind, format::model_major);
    std::string_view body = verify_trailer(bytes, source, &tensor_count);
    ByteReader r(body, source);
    Header h = read_header(r, format::model_kind, format::model_major);
    Model m;
    std::string arch = meta_string(h.metadata, "arch", source);
    simdjson::dom::parser parser;
    simdjson::dom::element hp;
    if (parser.parse(meta_string(h.metadata, "hyperparameters", source)).get(hp) || !hp.is_object())
        throw FormatError(source + ": the hyperparameters are not a JSON object; the file is corrupt");
    for (auto [key, value] : hp.get_object()) {
        std::string_view v;
        if (value.get_string().get(v)) throw FormatError(source + ": hyperparameter \"" + std::string(key) + "\" is not a string");
        // A hyperparameter this newsclf does not know came with a later minor version and does not
        // shape the network (the tensors and self-tests check that); a known one must parse.
        const auto& table = hyperparameters();
        if (std::none_of(table.begin(), table.end(), [&name = key](const Hyperparameter& h) { return h.name == name; })) continue;
        try {
            set_hyperparameter(m.options, std::string(key), std::string(v));
        } catch (const UsageError& e) {
            throw FormatError(source + ": " + e.what() + "; the model needs a newer newsclf or is corrupt");
        }
    }
    if (m.options.arch != arch) throw FormatError(source + ": the architecture entries disagree; the file is corrupt");
    m.max_words = meta_u64(h.metadata, "max_words", source);
    m.normalizer = normalizer_from_json(meta_string(h.metadata, "normalizer", source), source);
    std::string vocabulary = meta_string(h.metadata, "vocabulary", source);
    if (!vocabulary.empty()) m.vocabulary = parse_vocabulary(vocabulary, source + " (vocabulary)");
    m.training_json = meta_string(h.metadata, "training", source);
    m.self_tests = parse_self_tests(meta_string(h.metadata, "self_tests", source), source);
    if (h.minor >= format::model_minor_calibrated && h.metadata.count("calibration")) {
        m.calibration_json = meta_string(h.metadata, "calibration", source);
        m.temperature = calibration_temperature(m.calibration_json, source);
    }
    std::uint32_t count = r.u32("the tensor count");
    if (count != tensor_count) r.fail("the tensor count disagrees with the trailer; the file is corrupt");
    std::vector<TensorView> tensors;
    for (std::uint32_t i = 0; i < count; ++i) tensors.push_back(read_tensor(r, h.minor));
    std::size_t next = 0;
    if (!tensors.empty() && tensors[0].name == "embedding") {
        const TensorView& e = tensors[0];
        if (e.shape.size() != 2 || e.shape[0] < m.vocabulary.size() + 1)
            r.fail("the embedding tensor is not a matrix for the vocabulary; the file is corrupt");
        m.embedding = Matrix::from_shape({e.shape[0], e.shape[1]});
        advise_huge_pages(m.embedding.data(), m.embedding.size() * sizeof(float));  // before its first touch
        e.decode(m.embedding.data(), source);
        next = 1;
    }
    if (h.minor >= 2) {
        std::uint32_t members = r.u32("the member count");
        for (std::uint32_t k = 0; k < members; ++k)
            m.members.push_back(parse_model(r.string64("a member model"), source + " (member " + std::to_string(k + 1) + ")"));
    }
    // Every shape the hyperparameters imply is checked against the tensors the file holds before
    // anything is allocated: a file claiming a huge network is refused at once.
    auto network = network_of(m, source);
    auto blocks = network->parameter_blocks();
    if (count - next != blocks.size())
        r.fail("holds " + std::to_string(count) + " tensors, the " + m.options.arch + " network needs " +
               std::to_string(blocks.size() + next) + "; the file is corrupt");
    // A quantized model's f16 blocks are all q8 or all q4: the first one's storage is theirs.
    for (std::size_t k = 0; k < blocks.size(); ++k)
        if (blocks[k].storage == Storage::f16) {
            m.table_storage = tensors[next + k].storage;
            break;
        }
    // So is a quantized model's embedding (a linear model's word vectors); no other is.
    if (next == 1 && is_quantized(tensors[0].storage) && tensors[0].storage != m.table_storage)
        r.fail("the embedding tensor is quantized but the model's tables are not alike; the file is corrupt");
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        const TensorView& t = tensors[next + k];
        const ParameterBlock& b = blocks[k];
        if (t.name != b.name || t.shape != b.shape || t.storage != file_storage(m, b))
            r.fail("tensor \"" + t.name + "\" " + shape_text(t.shape) + " does not match the " + m.options.arch +
                   " network's \"" + b.name + "\" " + shape_text(b.shape) + " of these hyperparameters; the file is corrupt");
    }
    // Loading a 45 MB model (90 MB of floats) took twice as long on 4 kB pages.
    assign_on_huge_pages(m.parameters, network->parameter_count(), 0.0f);
    for (const auto& b : blocks) tensors[next++].decode(m.parameters.data() + b.offset, source);
    if (r.remaining() != 0) r.fail(std::to_string(r.remaining()) + " unexpected bytes after the last tensor; the file is corrupt");
    return m;
}

bool file_holds_model(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char head[format::magic_size] = {};
    const std::size_t n = std::fread(head, 1, sizeof head, f);
    std::fclose(f);
    return is_model_file(std::string_view(head, n));
}

std::string resolve_model_path(const std::string& path) {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) throw IoError(path + ": no such model file or directory");
    if (!S_ISDIR(st.st_mode)) return path;
    std::string preferred = path + "/model.newsclf";
    if (::stat(preferred.c_str(), &st) == 0) return preferred;
    std::vector<std::string> found;
    if (DIR* dir = ::opendir(path.c_str())) {
        while (dirent* e = ::readdir(dir)) {
            std::string candidate = path + "/" + e->d_name;
            if (e->d_name[0] == '.' || ::stat(candidate.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
            if (file_holds_model(candidate)) found.push_back(candidate);
        }
        ::closedir(dir);
    }
    if (found.size() == 1) return found[0];
    if (found.empty()) throw IoError(path + ": the directory holds no newsclf model file");
    throw UsageError(path + ": the directory holds " + std::to_string(found.size()) + " model files; name one");
}

std::string model_summary_json(const Model& m) {
    std::string out;
    JsonWriter w(out);
    write_model_summary(w, m);
    return out;
}

}  // namespace newsclf
