// The report as one self-contained HTML page: tables, and charts as SVG images inside it, for the
// data, each model side by side, and a peers benchmark.
#pragma once
#include <string>
#include <vector>

#include "newsclf/reporting/report_data.hpp"

namespace newsclf {

struct ReportContent {
    std::string title;
    std::vector<std::string> data_sources;
    DataSummary data;
    std::vector<ModelSummary> models;
    std::string peers_source;  // empty: no peers section
    std::vector<PeerResult> peers;
};

// The page, its charts drawn by gnuplot (draw_charts).
std::string report_html(const ReportContent& content);

}  // namespace newsclf
