// newsclf-train: SageMaker's training entry point: the job's channels and hyperparameters under
// /opt/ml -> the model and its metrics, or the reason of the failure.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "newsclf/training/history.hpp"
#include "newsclf/io/output_file.hpp"
#include "newsclf/io/process.hpp"
#include "newsclf/io/temporaries.hpp"
#include "newsclf/model/model_file.hpp"
#include "newsclf/sagemaker/distribution.hpp"
#include "newsclf/archs/architecture.hpp"
#include "newsclf/sagemaker/job.hpp"
#include "newsclf/training/distributed.hpp"
#include "newsclf/sagemaker/mpi_launch.hpp"
#include "newsclf/sagemaker/mpi_worker.hpp"
#include "newsclf/sagemaker/training.hpp"
#include "newsclf/sagemaker/script_mode.hpp"
#include "tool_main.hpp"

using namespace newsclf;

namespace {

struct Options {
    std::string opt_ml = default_opt_ml();
};

// rank: of the process among those mpirun started (0: the one that speaks and writes), or 0 alone.
void train_in_process(const TrainingJob& job, const JobHyperparameters& hps, std::size_t rank) {
    const auto start = std::chrono::steady_clock::now();
    const FitOptions options = fit_options_from_hyperparameters(hps.user, job.hyperparameters_path());
    if (rank > 0) set_verbosity(0);
    // Keras-like epoch lines on stdout, each as it ends: SageMaker's metric definitions read them.
    JobTraining training = train_job(job, options, [rank](const EpochResult& e) {
        if (rank > 0) return;
        std::printf("%s\n", epoch_line(e).c_str());
        std::fflush(stdout);
    });
    if (rank > 0) return;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    create_parent_directories(job.metrics_path());
    write_bytes(job.metrics_path(), job_metrics_json(training, seconds));
    create_parent_directories(job.model_path());
    write_bytes(job.model_path(), model_bytes(training.fitted.model));
    log_info("wrote " + job.model_path() + " and " + job.metrics_path());
}

void run(const Options& o) {
    try {
        TrainingJob earlier;
        earlier.opt_ml = o.opt_ml;
        remove_job_outputs(earlier);  // first, so that no failure leaves an earlier job's model behind
        const TrainingJob job = load_training_job(o.opt_ml);
        const JobHyperparameters hps = sort_hyperparameters(job.hyperparameters);
        for (const auto& [name, value] : hps.ignored) log_verbose("hyperparameter " + name + " (SageMaker's) not used");
        if (const auto rank = mpi_rank()) {
            // One of the processes the first host's mpirun started: it trains; rank 0 writes. (In
            // script mode mpirun starts the job's program instead, which may run newsclf-train.)
            return train_in_process(job, hps, *rank);
        }
        const MpiSettings mpi = mpi_settings(job.hyperparameters, job.hyperparameters_path());
        switch (host_role(job.resources, mpi)) {
        case HostRole::alone: break;
        case HostRole::idle:
            // SageMaker starts every host; without MPI they would each train the same model.
            log_info(job.resources.current_host + ": the job has " + std::to_string(job.resources.hosts.size()) +
                     " hosts and no sagemaker_mpi_enabled, so it trains on " + job.resources.hosts.front() +
                     " alone; nothing to do here");
            return;
        case HostRole::launcher: {
            std::fflush(stdout);
            // Script mode: the job's program on every slot; otherwise this tool, which trains in process.
            MpiProgram in_process;
            in_process.command = {executable_directory() + "/newsclf-train", "--opt-ml", job.opt_ml};
            const int stop = hps.program ? launch_script_mode(job, hps, mpi, std::thread::hardware_concurrency())
                                         : launch_mpi_job(job, mpi, in_process);
            if (stop) remove_temporaries_and_exit(stop);
            return;
        }
        case HostRole::worker: {
            // The first host's mpirun starts this host's processes, through sshd (started first: the
            // first host does not wait for it); they write nothing here. The job's program must be
            // here too, where it is on the first host.
            SshdStart sshd;
            if (const char* program = std::getenv("NEWSCLF_SSHD"); program && *program) sshd.program = program;
            start_sshd(sshd);
            if (hps.program) fetch_program(job, hps);
            wait_for_mpi_processes({});
            return;
        }
        }
        if (hps.program) {
            std::fflush(stdout);  // what this process wrote comes before the program's output
            if (const int stop = run_script_mode(job, hps, std::thread::hardware_concurrency()))
                remove_temporaries_and_exit(stop);
        } else
            train_in_process(job, hps, 0);
    } catch (const std::exception& e) {
        write_failure(o.opt_ml, e.what());
        throw;
    }
}

}  // namespace

int main(int argc, char** argv) {
    static Options o;
    return tool_main(argc, argv, "newsclf-train",
                     "SageMaker's training entry point: train on the job's channels with its hyperparameters (newsclf-fit's "
                     "options) and write OPT_ML/model/newsclf.model and OPT_ML/output/data/metrics.json, or run the "
                     "job's own program (sagemaker_program); a failure's reason goes to OPT_ML/output/failure.",
                     [](CLI::App& app) {
                         app.add_option("--opt-ml", o.opt_ml,
                                        "the job's directory, laid out as SageMaker's /opt/ml; the default is "
                                        "$NEWSCLF_OPT_ML when it is set");
                         return [] { run(o); };
                     });
}
