# The SageMaker image: newsclf's tools, with the entry points `train` and `serve` on PATH, built in
# one stage and run from a slim one that holds only the shared libraries the tools link.
#   make -f Makefile.sagemaker image      (or: docker build -t newsclf .)
# tests/cli/test-dockerfile.sh checks this file against the tree and the built tools.

FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake g++ make pkg-config \
      libcli11-dev libsimdjson-dev libxtensor-dev libxtensor-blas-dev libopenblas-dev \
      zlib1g-dev liblzma-dev libboost-dev libopenmpi-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt ./
COPY lib lib
COPY tools tools
COPY scripts/bash-completion.sh scripts/
# Portable code (no -march=native): SageMaker's instance types differ in their CPUs.
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNEWSCLF_TESTS=OFF -DNEWSCLF_NATIVE=OFF \
 && cmake --build build -j"$(nproc)"

FROM debian:bookworm-slim
# The tools' shared libraries (tests/cli/test-dockerfile.sh maps every one that ldd reports to
# its package here); tini, so that SIGTERM reaches the program and the program is not PID 1;
# make, xz-utils and gzip for scripts that drive the tools; openmpi-bin (mpirun) and
# openssh-server, through which the first host's mpirun starts the other hosts' processes.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsimdjson14 libopenblas0-pthread libgfortran5 libquadmath0 zlib1g liblzma5 \
      libopenmpi3 libhwloc15 libevent-core-2.1-7 libevent-pthreads-2.1-7 libudev1 \
      tini make xz-utils gzip openmpi-bin openssh-server \
 && rm -rf /var/lib/apt/lists/*
# SSH between the job's hosts, as SageMaker's MPI images set it up: every host runs this image, so
# root logs in from one to another with the key pair made here, without a password or a question
# about host keys; newsclf-train starts sshd on the hosts that are not the first (/run/sshd is its
# privilege separation directory; the package made the host keys).
RUN mkdir -p /run/sshd /root/.ssh \
 && ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 \
 && cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys \
 && printf 'Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n' >/root/.ssh/config \
 && chmod 700 /root/.ssh && chmod 600 /root/.ssh/authorized_keys /root/.ssh/config \
 && printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\n' >/etc/ssh/sshd_config.d/newsclf.conf
COPY --from=build /src/build/bin/newsclf-* /opt/newsclf/bin/
COPY scripts/sagemaker/train scripts/sagemaker/serve /opt/newsclf/bin/
COPY man/*.1 /opt/newsclf/share/man/man1/
COPY man/*.5 /opt/newsclf/share/man/man5/
COPY man/*.7 /opt/newsclf/share/man/man7/
ENV PATH=/opt/newsclf/bin:$PATH
LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true
EXPOSE 8080
WORKDIR /opt/ml
# SageMaker runs `docker run IMAGE train` and `docker run IMAGE serve`: tini runs the argument,
# found on PATH, as its child and passes signals on to it.
ENTRYPOINT ["/usr/bin/tini", "--"]
