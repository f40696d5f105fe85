// newsclf-quantize's library side: row pruning by weight, then the rounding of each f16 table to q8 or q4.
#include "newsclf/model/quantization.hpp"

#include <algorithm>
#include <cmath>
#include <array>
#include <cstdint>

#include "newsclf/archs/architecture.hpp"
#include "newsclf/base/error.hpp"
#include "newsclf/base/labels.hpp"
#include "newsclf/formats/container.hpp"
#include "newsclf/model/classifier.hpp"

namespace newsclf {

namespace {

// The class scores a row moves, through `projection` (cols x 4 classes, row-major; null: the row
// itself), less their mean, which the softmax ignores: the size of that is what the row is worth.
double row_weight(const float* row, std::size_t cols, const float* projection) {
    double sum = 0;
    if (!projection) {
        for (std::size_t c = 0; c < cols; ++c) sum += static_cast<double>(row[c]) * row[c];
        return sum;
    }
    std::array<double, label_count> scores{};
    for (std::size_t c = 0; c < cols; ++c)
        for (std::size_t k = 0; k < label_count; ++k) scores[k] += static_cast<double>(row[c]) * projection[c * label_count + k];
    double mean = 0;
    for (double v : scores) mean += v / static_cast<double>(label_count);
    for (double v : scores) sum += (v - mean) * (v - mean);
    return sum;
}

// The rows of a table, and what maps them to class scores (null: nothing known).
struct Table {
    float* data;
    std::size_t rows, cols;
    const float* projection;
};

// Zeroes every row of the tables but the `keep` of the largest weight over them all (the earlier
// table, then the lower row, first among equals); returns, for each table, the rows it lost.
std::vector<std::vector<bool>> prune_rows(const std::vector<Table>& tables, std::size_t keep) {
    struct Row {
        double weight;
        std::uint32_t table, row;
    };
    std::vector<Row> rows;
    std::vector<std::vector<bool>> pruned;
    for (std::size_t t = 0; t < tables.size(); ++t) {
        pruned.emplace_back(tables[t].rows, false);
        for (std::size_t r = 0; r < tables[t].rows; ++r)
            rows.push_back({row_weight(tables[t].data + r * tables[t].cols, tables[t].cols, tables[t].projection),
                            static_cast<std::uint32_t>(t), static_cast<std::uint32_t>(r)});
    }
    if (keep >= rows.size()) return pruned;
    std::nth_element(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(keep), rows.end(), [](const Row& a, const Row& b) {
        if (a.weight != b.weight) return a.weight > b.weight;
        return a.table != b.table ? a.table < b.table : a.row < b.row;
    });
    for (std::size_t k = keep; k < rows.size(); ++k) {
        const Table& t = tables[rows[k].table];
        pruned[rows[k].table][rows[k].row] = true;
        std::fill(t.data + rows[k].row * t.cols, t.data + (rows[k].row + 1) * t.cols, 0.0f);
    }
    return pruned;
}

// A bag without a hidden layer maps a table's rows to class scores through its part of the
// output kernel (the mean is [words, n-grams], the kernel inputs x classes): that part, or null.
const float* bag_projection(const Model& model, const std::vector<ParameterBlock>& blocks, const ParameterBlock& table) {
    if (model.options.arch != "bag") return nullptr;
    auto kernel = std::find_if(blocks.begin(), blocks.end(), [](const ParameterBlock& b) { return b.name == "output.kernel"; });
    if (kernel == blocks.end() || blocks.size() != 4) return nullptr;  // a hidden layer (or none of the n-grams)
    const std::size_t skip = table.name == "ngram_vectors" ? blocks[0].shape[1] : 0;
    return model.parameters.data() + kernel->offset + skip * kernel->shape[1];
}

// The table's rows rounded to q8 or q4 in place, and how many of them are not all zeros.
QuantizedTable quantized_table(const std::string& name, float* data, std::size_t rows, std::size_t cols, int bits) {
    round_to_quantized(data, rows, cols, bits);
    QuantizedTable t{name, rows, 0};
    for (std::size_t r = 0; r < rows; ++r)
        t.kept += std::any_of(data + r * cols, data + (r + 1) * cols, [](float v) { return v != 0.0f; });
    return t;
}

}  // namespace

bool quantizable_arch(const std::string& arch) { return arch == "bag" || arch == "linear"; }

std::vector<QuantizedTable> quantize_model(Model& model, const QuantizeOptions& options) {
    if (options.bits != 8 && options.bits != 4) throw UsageError("bits: 8 or 4, not " + std::to_string(options.bits));
    if (!quantizable_arch(model.options.arch))
        throw UsageError("a " + model.options.arch + " model does not quantize: only bag and linear models do");
    auto network = architecture(model.options.arch).network(model);
    const auto blocks = network->parameter_blocks();
    // The matrices are pruned together; a vector of as many rows (the linear model's idf) loses
    // the rows its matrix loses.
    std::vector<Table> matrices;
    for (const auto& b : blocks)
        if (b.storage == Storage::f16 && b.shape.size() == 2)
            matrices.push_back({model.parameters.data() + b.offset, b.shape[0], b.shape[1], bag_projection(model, blocks, b)});
    std::vector<std::vector<bool>> pruned;
    if (options.cutoff > 0) pruned = prune_rows(matrices, options.cutoff);
    std::vector<QuantizedTable> tables;
    for (const auto& b : blocks) {
        if (b.storage != Storage::f16) continue;
        float* data = model.parameters.data() + b.offset;
        const std::size_t rows = b.shape[0], cols = b.size() / std::max<std::size_t>(rows, 1);
        if (b.shape.size() == 1)
            for (std::size_t m = 0; m < pruned.size(); ++m)
                if (pruned[m].size() == rows)
                    for (std::size_t r = 0; r < rows; ++r)
                        if (pruned[m][r]) data[r] = 0.0f;
        tables.push_back(quantized_table(b.name, data, rows, cols, options.bits));
    }
    // A linear model's word vectors, which every headline reads whole: rounded, none pruned.
    if (model.embedding.size() > 0)
        tables.push_back(quantized_table("embedding", model.embedding.data(), model.embedding.shape(0),
                                         model.embedding.shape(1), options.bits));
    model.table_storage = options.bits == 4 ? Storage::q4 : Storage::q8;
    // The self-tests are those of the quantized values, which the file gives back exactly.
    Classifier classifier(std::move(model));
    auto self_tests = classifier.run_self_tests();
    model = classifier.release();
    model.self_tests = std::move(self_tests);
    return tables;
}

}  // namespace newsclf
