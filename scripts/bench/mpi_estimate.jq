# The speed-up to expect from $hosts hosts (one rank each) over one, worked out from the two-rank
# runs of mpi.sh's results: per exchange, c is a rank's own work (its training time less the time
# in allreduces, over their number) and a is a ring allreduce of the same bytes over $hosts
# hosts: 2 (hosts - 1) / hosts of them through each host's link of $gbit_s Gbit/s, and
# 2 (hosts - 1) messages of $latency_us microseconds. The hosts train hosts times one rank's rows
# per exchange in c + a where one rank takes c: the speed-up is hosts c / (c + a).
.estimate = {
  hosts: $hosts, gbit_s: $gbit_s, latency_us: $latency_us,
  results: [.results[] | select(.ranks == 2 and .allreduces > 0 and .allreduce_share > 0)
    | (.allreduce_s / .allreduce_share) as $training
    | (($training - .allreduce_s) / .allreduces) as $c
    | (2 * ($hosts - 1) / $hosts * .allreduce_mb * 1e6 * 8 / ($gbit_s * 1e9)
       + 2 * ($hosts - 1) * $latency_us * 1e-6) as $a
    | {arch, compute_ms: ($c * 1000), allreduce_ms: ($a * 1000), speedup: ($hosts * $c / ($c + $a))}]
}
