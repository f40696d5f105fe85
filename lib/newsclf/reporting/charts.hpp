// The report's charts as gnuplot scripts (gnuplot.hpp draws them): bars, a histogram, learning
// curves, a confusion heat map, reliability diagrams and a dot plot.
#pragma once
#include <array>
#include <string>
#include <vector>

#include "newsclf/reporting/gnuplot.hpp"
#include "newsclf/training/history.hpp"
#include "newsclf/training/metrics.hpp"

namespace newsclf {

// One named row of numbers: a model's per-category scores, a system's accuracies.
struct Series {
    std::string name;
    std::vector<double> values;
};

// The categories' names on two lines where they are long ("Science &\nTechnology").
std::vector<std::string> category_tick_labels();

// One bar a category, coloured as its series colour, with its count above it.
Chart count_bars(const std::string& title, const std::string& ylabel, const std::vector<std::string>& categories,
                 const std::vector<double>& counts);

// Bars of the series side by side over each category (matplotlib's grouped bar chart), on [0, 1].
Chart grouped_bars(const std::string& title, const std::string& ylabel, const std::vector<std::string>& categories,
                   const std::vector<Series>& series);

// A histogram of integer values: counts[i] rows have value i (the last: that many or more).
Chart integer_histogram(const std::string& title, const std::string& xlabel, const std::vector<std::size_t>& counts);

// Loss and accuracy per epoch, training and validation rows, side by side.
Chart learning_curves(const std::vector<EpochResult>& history);

// The confusion matrix [true][predicted] as a heat map of each true category's shares, with
// counts and shares written in the cells.
Chart confusion_heat_map(const std::array<std::array<std::size_t, 4>, 4>& confusion);

// Accuracy against confidence per bin for each named series of bins, the diagonal of perfect
// calibration, and below it the share of rows in each bin.
struct ReliabilitySeries {
    std::string name;
    ReliabilityBins bins;
};
Chart reliability_diagram(const std::vector<ReliabilitySeries>& series);

// One row a label, one marker a series (Cleveland's dot plot): small differences of accuracy
// without bars cut off above zero. Missing values are NaN.
Chart dot_plot(const std::string& title, const std::string& xlabel, const std::vector<std::string>& rows,
               const std::vector<Series>& series);

}  // namespace newsclf
