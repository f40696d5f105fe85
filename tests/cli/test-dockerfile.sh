#!/usr/bin/env bash
# The Dockerfile against the tree and the built tools, without Docker: every COPY source exists
# and passes .dockerignore, the build stage's copied sources configure, every tool is copied, every
# shared library a copied tool loads comes from a package the runtime stage installs (and no
# package is installed for nothing), the entry points `train` and `serve` are on PATH and run
# copied tools, the SageMaker settings (label, port, exec-form ENTRYPOINT) are there, and so are
# MPI between hosts (openmpi-bin, openssh-server) and root's SSH login between them.
# Then the same checks must fail on copies of the Dockerfile that lack one runtime package, or
# openmpi-bin, or openssh-server, or that installs packages after copying files in.
. "$(dirname "$0")/lib.sh"
if [ -n "${NEWSCLF_SANITIZE:-}" ]; then
  echo "skipped: the image's tools are a Release build; these load the sanitizer's runtime"
  exit 0
fi

SRC=$NEWSCLF_SOURCE_DIR
# In debian:bookworm-slim already (and Essential there or needed by apt): never listed.
BASE_PACKAGES="libc6 libstdc++6 libgcc-s1"
# Installed for the programs they hold, not for a library of the tools.
# openmpi-bin: mpirun, for newsclf-fit on several ranks; openssh-server: sshd, through which the
# first host's mpirun starts the other hosts' processes.
PROGRAM_PACKAGES="tini make xz-utils gzip openmpi-bin openssh-server"
# Packages for the image alone, which a developer's machine need not have installed (an SSH
# server): their names are checked against apt's lists instead.
IMAGE_ONLY_PACKAGES="openssh-server"
# The image builds with MPI (libopenmpi-dev); tools built here without it (-DNEWSCLF_WITH_MPI=OFF)
# load none of Open MPI's libraries, which the runtime stage then installs for the image's tools.
if "$NEWSCLF_BIN/newsclf-fit" --version | grep -q '^MPI: none'; then
  PROGRAM_PACKAGES+=" libopenmpi3 libhwloc15 libevent-core-2.1-7 libevent-pthreads-2.1-7 libudev1"
fi
# The build stage's configure step: its build directory.
CMAKE_CONFIGURE='cmake -S [^ ]+ -B ([^ ]+)'
# The ENTRYPOINT's program and its package.
declare -A ENTRYPOINT_PACKAGE=([/usr/bin/tini]=tini)

# No Docker engine is needed, and none is called: a docker on PATH that only records a call.
mkdir -p "$SCRATCH/fake-bin"
printf '#!/bin/sh\necho "$*" >> "%s/docker-called"\nexit 1\n' "$SCRATCH" >"$SCRATCH/fake-bin/docker"
chmod +x "$SCRATCH/fake-bin/docker"
export PATH="$SCRATCH/fake-bin:$PATH"
for program in jq ldd dpkg dpkg-query realpath ninja; do
  command -v "$program" >/dev/null || { echo "FAIL: $program is needed" >&2; exit 1; }
done

# instructions DOCKERFILE: one instruction a line, continuations joined, comments dropped.
instructions() {
  awk '/^[[:space:]]*(#|$)/ { next }
       { sub(/^[[:space:]]+/, ""); buf = buf (buf == "" ? "" : " ") $0 }
       buf ~ /\\$/ { sub(/[[:space:]]*\\$/, "", buf); next }
       { gsub(/[[:space:]]+/, " ", buf); print buf; buf = "" }
       END { if (buf != "") print buf }' "$1"
}

# map_packages PATH...: PACKAGE_OF[PATH] = the Debian package (without :arch) that holds each
# file, or "" when none does; for each path its target (alternatives symlinks) and each of the two
# with and without /usr (merged /usr) are tried, in that order, in one dpkg -S (it is slow).
declare -A PACKAGE_OF=()
map_packages() {
  local lib p line owner
  local -a all=()
  declare -A candidates_of=() owner_of=()
  for lib in "$@"; do
    local -a candidates=("$lib" "$(realpath "$lib")")
    for p in "${candidates[@]:0:2}"; do
      case "$p" in /usr/*) candidates+=("${p#/usr}") ;; *) candidates+=("/usr$p") ;; esac
    done
    candidates_of[$lib]="${candidates[*]}"
    all+=("${candidates[@]}")
  done
  [ "${#all[@]}" -gt 0 ] || return 0
  while IFS= read -r line; do
    [[ "$line" == "diversion "* ]] && continue
    owner=${line%%: /*}
    owner=${owner%%, *}
    owner_of[${line#*: }]=${owner%%:*}
  done < <(dpkg -S "${all[@]}" 2>/dev/null)
  for lib in "$@"; do
    PACKAGE_OF[$lib]=""
    for p in ${candidates_of[$lib]}; do
      if [ -n "${owner_of[$p]:-}" ]; then PACKAGE_OF[$lib]=${owner_of[$p]}; break; fi
    done
  done
}

# libraries BINARY: LIBS, the paths of the shared libraries ldd resolves ("not found: NAME" for
# one it cannot find). ldd runs once a binary (LIBRARIES_OF): the checks of the mutated
# Dockerfiles below ask again for the same binaries.
declare -A LIBRARIES_OF=()
LIBS=()
libraries() {
  [ -n "${LIBRARIES_OF[$1]+set}" ] ||
    LIBRARIES_OF[$1]=$(ldd "$1" | awk '/=> not found/ { print "not found: " $1; next }
                                       /=> \// { print $3; next }
                                       $1 ~ /^\// { print $1 }')
  LIBS=()
  [ -z "${LIBRARIES_OF[$1]}" ] || mapfile -t LIBS <<<"${LIBRARIES_OF[$1]}"
}

# package_status PACKAGE: STATUS, "installed" on this machine, "listed" in apt's lists only, or
# "unknown"; asked of dpkg-query and apt-cache once a package (STATUS_OF), for the same reason.
declare -A STATUS_OF=()
STATUS=""
package_status() {
  if [ -z "${STATUS_OF[$1]:-}" ]; then
    if dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; then
      STATUS_OF[$1]=installed
    elif apt-cache show --no-all-versions "$1" >/dev/null 2>&1; then
      STATUS_OF[$1]=listed
    else
      STATUS_OF[$1]=unknown
    fi
  fi
  STATUS=${STATUS_OF[$1]}
}

# The patterns of .dockerignore, "!" kept, leading "/", trailing "/" and "**/" dropped.
IGNORE_PATTERNS=()
if [ -f "$SRC/.dockerignore" ]; then
  mapfile -t IGNORE_PATTERNS < <(sed -E 's/#.*//; s/^[[:space:]]+//; s/[[:space:]]+$//; /^$/d;
                                        s#^(!?)/#\1#; s#/$##; s#\*\*/##g' "$SRC/.dockerignore")
fi

# ignored PATH: true when .dockerignore leaves PATH (relative to the context) out. Docker's rule:
# the last pattern that matches the path or one of its parent directories decides.
ignored() {
  local path=$1 prefix pattern negate decision=1 part
  local -a parts
  IFS=/ read -r -a parts <<<"$path"
  for pattern in "${IGNORE_PATTERNS[@]}"; do
    negate=""
    [ "${pattern#!}" != "$pattern" ] && { negate=1; pattern=${pattern#!}; }
    prefix=""
    for part in "${parts[@]}"; do
      prefix=${prefix:+$prefix/}$part
      # shellcheck disable=SC2053  # the pattern is a glob on purpose
      if [[ "$prefix" == $pattern ]]; then
        if [ -n "$negate" ]; then decision=1; else decision=0; fi
        break
      fi
    done
  done
  return "$decision"
}

# tools: the executables tools/CMakeLists.txt defines.
tools() {
  sed -nE 's/^[[:space:]]*set\(newsclf_tools ([^)]*)\).*/\1/p' "$SRC/tools/CMakeLists.txt" | tr ' ' '\n' |
    sed -n 's/^\([a-z].*\)/newsclf-\1/p'
  grep -oE 'add_executable\(newsclf-[a-z0-9-]+[ )]' "$SRC/tools/CMakeLists.txt" | sed -E 's/add_executable\(//; s/[ )]$//'
}

CONFIGURED=""
# check_dockerfile DOCKERFILE: all the checks; each problem is a fail.
check_dockerfile() {
  local dockerfile=$1
  local -a all stage_of
  mapfile -t all < <(instructions "$dockerfile")
  [ "${#all[@]}" -gt 0 ] || { fail "$dockerfile has no instructions"; return; }

  # Stages: the build stage (named build) and the runtime stage (the last one).
  local i stage=-1 build_stage="" runtime_stage from_lines=()
  for i in "${!all[@]}"; do
    if [[ "${all[i]}" == "FROM "* ]]; then
      stage=$((stage + 1))
      from_lines+=("${all[i]}")
      [[ "${all[i]}" =~ \ [Aa][Ss]\ build$ ]] && build_stage=$stage
    fi
    stage_of[i]=$stage
  done
  runtime_stage=$stage
  [ -n "$build_stage" ] || fail "no stage named build (FROM ... AS build)"
  [ "$runtime_stage" -gt 0 ] || fail "the Dockerfile should have a build stage and a runtime stage"
  # The packages are mapped on this machine: it must run the image's Debian release.
  local codename
  codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [[ "${from_lines[-1]}" == "FROM debian:$codename-slim"* ]] ||
    fail "the runtime stage should start from debian:$codename-slim (this machine's release), not: ${from_lines[-1]}"
  [[ "${from_lines[0]}" == "FROM debian:$codename "* ]] ||
    fail "the build stage should start from debian:$codename (this machine's release), not: ${from_lines[0]}"

  # Layers in the order of how often they change: in each stage, the packages are installed
  # before anything of the tree (or of the build stage) is copied, so that a change of the sources
  # rebuilds from the copy on and never installs the packages again.
  local -A copied_in_stage=()
  for i in "${!all[@]}"; do
    case "${all[i]}" in
      "COPY "*) copied_in_stage[${stage_of[i]}]=1 ;;
      "RUN "*"apt-get install"*)
        [ -z "${copied_in_stage[${stage_of[i]}]:-}" ] ||
          fail "stage $((stage_of[i] + 1)) installs packages after a COPY: a source change would install them again" ;;
    esac
  done

  # What each stage does.
  local line workdir="" build_dir="" build_workdir="" build_args=""
  local -a context_copies=() stage_copies=() runtime_runs=() envs=() labels=() exposes=() entrypoints=()
  local runtime_workdir=""
  for i in "${!all[@]}"; do
    line=${all[i]}
    case "$line" in
      "FROM "*) workdir="" ;;
      "WORKDIR "*) workdir=${line#WORKDIR }
                   [ "${stage_of[i]}" = "$build_stage" ] && build_workdir=$workdir
                   [ "${stage_of[i]}" = "$runtime_stage" ] && runtime_workdir=$workdir ;;
      "COPY --from="*) [ "${stage_of[i]}" = "$runtime_stage" ] && stage_copies+=("${line#COPY }") ;;
      "COPY "*) context_copies+=("${stage_of[i]} ${line#COPY }") ;;
      "ADD "*) fail "use COPY, not ADD: $line" ;;
      "RUN "*)
        if [ "${stage_of[i]}" = "$build_stage" ] && [[ "$line" =~ $CMAKE_CONFIGURE ]]; then
          build_dir=${BASH_REMATCH[1]}
          build_args=$(printf '%s\n' "$line" | grep -oE -- '-D[A-Za-z_]+=[^ ]+' | tr '\n' ' ')
        fi
        [ "${stage_of[i]}" = "$runtime_stage" ] && runtime_runs+=("${line#RUN }") ;;
      "ENV "*) [ "${stage_of[i]}" = "$runtime_stage" ] && envs+=("${line#ENV }") ;;
      "LABEL "*) [ "${stage_of[i]}" = "$runtime_stage" ] && labels+=("${line#LABEL }") ;;
      "EXPOSE "*) [ "${stage_of[i]}" = "$runtime_stage" ] && exposes+=("${line#EXPOSE }") ;;
      "ENTRYPOINT "*) [ "${stage_of[i]}" = "$runtime_stage" ] && entrypoints+=("${line#ENTRYPOINT }") ;;
    esac
  done

  # --- COPY from the build context: every source exists and is in the context.
  local copy copy_stage dest src path file
  local -a words sources
  local build_context="$SCRATCH/build-context"
  rm -rf "$build_context"
  mkdir -p "$build_context"
  declare -A copied_to=()  # basename -> destination directory, in the runtime stage
  for copy in "${context_copies[@]}"; do
    copy_stage=${copy%% *}
    read -r -a words <<<"${copy#* }"
    [[ "${words[0]}" == --* ]] && { fail "unexpected COPY option: ${words[0]}"; continue; }
    [ "${#words[@]}" -ge 2 ] || { fail "COPY without a destination: $copy"; continue; }
    dest=${words[-1]}
    sources=("${words[@]:0:${#words[@]}-1}")
    for src in "${sources[@]}"; do
      local -a matches=()
      mapfile -t matches < <(cd "$SRC" && compgen -G "$src")
      if [ "${#matches[@]}" -eq 0 ]; then
        fail "COPY source $src matches nothing in the source tree"
        continue
      fi
      for path in "${matches[@]}"; do
        while IFS= read -r file; do
          ignored "$file" && fail "COPY source $file is left out of the build context by .dockerignore"
        done < <(cd "$SRC" && find "$path" -type f)
        if [ "$copy_stage" = "$build_stage" ]; then
          # The build stage's sources, laid out as in the image, for the configure check below.
          local target="$build_context/$dest"
          [[ "$dest" == /* ]] && target="$build_context/${dest#"$build_workdir"/}"
          if [ "${#sources[@]}" -eq 1 ] && [[ "$dest" != */ ]]; then
            mkdir -p "$(dirname "$target")"
            cp -r "$SRC/$path" "$target"
          else
            mkdir -p "$target"
            cp -r "$SRC/$path" "$target/"
          fi
        elif [ "$copy_stage" = "$runtime_stage" ]; then
          [[ "$dest" == */ ]] || fail "COPY $src: give the destination as a directory (ending in /)"
          copied_to[$(basename "$path")]=${dest%/}
        fi
      done
    done
  done

  # --- The build stage: its copied sources configure with its options (test sources not needed),
  # and every file of the tree that the build reads is among them (Ninja's graph lists its inputs;
  # the Dockerfile's make reads the same ones).
  [ -n "$build_dir" ] || fail "the build stage does not run cmake -S ... -B DIR"
  grep -q 'CMAKE_RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/bin' "$SRC/CMakeLists.txt" ||
    fail "CMakeLists.txt no longer puts the tools in the build directory's bin/"
  if [ -n "$build_dir" ] && [ -f "$build_context/CMakeLists.txt" ]; then
    # The same sources and options configure the same way: configured once (CONFIGURED).
    local key
    key="$build_dir $build_args $(cd "$build_context" && find . -type f | sort | xargs md5sum | md5sum)"
    if [ "$key" != "$CONFIGURED" ]; then
      # shellcheck disable=SC2086  # the -D options, one word each
      if cmake -G Ninja -S "$build_context" -B "$SCRATCH/configured" $build_args >"$SCRATCH/configure.log" 2>&1; then
        CONFIGURED=$key
        local input
        while read -r input; do
          [[ "$input" == "$build_context/"* ]] && [ ! -e "$input" ] &&
            fail "the build reads ${input#"$build_context/"}, which the build stage does not copy"
        done < <(ninja -C "$SCRATCH/configured" -t inputs all 2>/dev/null | sort -u)
      else
        fail "the build stage's sources do not configure with $build_args: $(grep -A 4 'CMake Error' "$SCRATCH/configure.log" | head -n 10)"
      fi
      rm -rf "$SCRATCH/configured"
    fi
  else
    fail "the build stage does not copy CMakeLists.txt"
  fi

  # --- COPY --from=build: the tools, from the build's bin/ ($NEWSCLF_BIN here).
  local bin_prefix="$build_workdir/$build_dir/bin/" pattern tool
  local -a binaries=()
  [ "${#stage_copies[@]}" -gt 0 ] || fail "the runtime stage copies nothing from the build stage"
  for copy in "${stage_copies[@]}"; do
    read -r -a words <<<"$copy"
    [ "${words[0]}" = "--from=build" ] || { fail "COPY ${words[0]}: copy from the stage named build"; continue; }
    dest=${words[-1]}
    [[ "$dest" == */ ]] || fail "COPY --from=build: give the destination as a directory (ending in /)"
    for src in "${words[@]:1:${#words[@]}-2}"; do
      if [[ "$src" != "$bin_prefix"* ]]; then
        fail "COPY --from=build $src is not in the build's bin/ ($bin_prefix)"
        continue
      fi
      pattern=${src#"$bin_prefix"}
      local -a found=()
      mapfile -t found < <(cd "$NEWSCLF_BIN" && compgen -G "$pattern")
      [ "${#found[@]}" -gt 0 ] || fail "COPY --from=build $src matches nothing the build produces (in $NEWSCLF_BIN)"
      for file in "${found[@]}"; do
        binaries+=("$NEWSCLF_BIN/$file")
        copied_to[$file]=${dest%/}
      done
    done
  done
  local -a all_tools
  mapfile -t all_tools < <(tools)
  [ "${#all_tools[@]}" -ge 5 ] || fail "cannot read the tools of tools/CMakeLists.txt (found: ${all_tools[*]})"
  for tool in "${all_tools[@]}"; do
    [ -x "$NEWSCLF_BIN/$tool" ] || fail "$tool (tools/CMakeLists.txt) is not built in $NEWSCLF_BIN"
    [ -n "${copied_to[$tool]:-}" ] || fail "$tool is not copied into the image"
  done

  # --- The runtime stage's packages: one apt-get install, no recommends, no lists left behind.
  local run install_run="" installs=0
  for run in "${runtime_runs[@]}"; do
    [[ "$run" == *"apt-get install"* ]] || continue
    installs=$((installs + 1))
    install_run=$run
  done
  [ "$installs" -eq 1 ] || fail "the runtime stage should install its packages in one RUN (found $installs)"
  [[ "$install_run" == *"--no-install-recommends"* ]] || fail "the runtime apt-get install lacks --no-install-recommends"
  [[ "$install_run" == *"rm -rf /var/lib/apt/lists/*"* ]] || fail "the runtime RUN does not remove /var/lib/apt/lists/*"
  [[ "$install_run" == *"apt-get update"* ]] || fail "the runtime RUN does not run apt-get update"
  local -a runtime_packages
  read -r -a runtime_packages <<<"$(printf '%s\n' "$install_run" |
    sed -E 's/.*apt-get install//; s/(&&|;).*//' | tr ' ' '\n' | grep -vE '^(-|$)' | tr '\n' ' ')"
  [ "${#runtime_packages[@]}" -gt 0 ] || fail "cannot read the runtime stage's package list"
  declare -A runtime=() needed=()
  local package
  for package in "${runtime_packages[@]}"; do runtime[$package]=1; done

  # --- Every shared library of every copied tool comes from a listed (or base) package.
  local binary lib
  local -a unmapped=()
  for binary in "${binaries[@]}"; do
    libraries "$binary"
    for lib in "${LIBS[@]}"; do
      [[ "$lib" == "not found: "* ]] || [ -n "${PACKAGE_OF[$lib]+set}" ] || unmapped+=("$lib")
    done
  done
  map_packages $(printf '%s\n' "${unmapped[@]}" | sort -u)
  for binary in "${binaries[@]}"; do
    libraries "$binary"
    for lib in "${LIBS[@]}"; do
      if [[ "$lib" == "not found: "* ]]; then
        fail "$(basename "$binary"): ldd cannot find ${lib#not found: }"
        continue
      fi
      package=${PACKAGE_OF[$lib]}
      if [ -z "$package" ]; then
        fail "$(basename "$binary"): no Debian package holds $lib (dpkg -S)"
        continue
      fi
      needed[$package]=1
      [[ " $BASE_PACKAGES " == *" $package "* ]] && continue
      [ -n "${runtime[$package]:-}" ] ||
        fail "$(basename "$binary") loads $lib of package $package, which the runtime stage does not install"
    done
  done
  for package in "${runtime_packages[@]}"; do
    if [ -z "${needed[$package]:-}" ] && [[ " $PROGRAM_PACKAGES " != *" $package "* ]]; then
      fail "the runtime stage installs $package, which no copied tool loads (and it is not in PROGRAM_PACKAGES)"
    fi
    # A misspelt or vanished name: every package is installed here too, but the image-only ones.
    package_status "$package"
    if [ "$STATUS" != installed ] && [[ " ${ENTRYPOINT_PACKAGE[*]} " != *" $package "* ]]; then
      if [[ " $IMAGE_ONLY_PACKAGES " == *" $package "* ]]; then
        [ "$STATUS" = listed ] ||
          fail "the runtime package $package is not in apt's lists (is the name right? after apt-get update?)"
      else
        fail "the runtime package $package is not installed on this machine (is the name right?)"
      fi
    fi
  done
  for package in $PROGRAM_PACKAGES; do
    [ -n "${runtime[$package]:-}" ] || fail "the runtime stage does not install $package"
  done

  # --- SSH between the job's hosts, for mpirun: root's key pair authorized, no host key question,
  # sshd's privilege separation directory, root's login by key.
  local runs="${runtime_runs[*]}"
  [[ "$runs" == *"ssh-keygen"*"/root/.ssh/"* ]] || fail "the runtime stage makes no key pair for root (ssh-keygen ... /root/.ssh/...)"
  [[ "$runs" == *"/root/.ssh/authorized_keys"* ]] || fail "the runtime stage does not authorize root's key (/root/.ssh/authorized_keys)"
  [[ "$runs" == *"StrictHostKeyChecking no"* ]] || fail "the runtime stage does not set StrictHostKeyChecking no for ssh"
  [[ "$runs" == *"mkdir -p /run/sshd"* ]] || fail "the runtime stage does not make /run/sshd"
  [[ "$runs" == *"PermitRootLogin prohibit-password"* || "$runs" == *"PermitRootLogin yes"* ]] ||
    fail "the runtime stage does not let root log in by key (PermitRootLogin)"

  # --- PATH, the entry points and what they run.
  local path_dir="" env
  for env in "${envs[@]}"; do
    [[ "$env" =~ ^PATH=([^:]+):\$PATH$ ]] && path_dir=${BASH_REMATCH[1]}
  done
  [ -n "$path_dir" ] || fail "no ENV PATH=DIR:\$PATH in the runtime stage"
  local entry program
  for entry in train serve; do
    [ "${copied_to[$entry]:-}" = "$path_dir" ] || fail "scripts/sagemaker/$entry is not copied into $path_dir (on PATH)"
    file="$SRC/scripts/sagemaker/$entry"
    [ -f "$file" ] || continue
    [ -x "$file" ] || fail "scripts/sagemaker/$entry is not executable"
    [ "$(head -n 1 "$file")" = "#!/bin/sh" ] || fail "scripts/sagemaker/$entry does not start with #!/bin/sh"
    program=$(grep -oE '^[[:space:]]*exec [a-z0-9-]+' "$file" | awk '{print $2}' | head -n 1)
    [ -n "$program" ] || fail "scripts/sagemaker/$entry does not exec a program"
    [ -z "$program" ] || [ "${copied_to[$program]:-}" = "$path_dir" ] ||
      fail "scripts/sagemaker/$entry runs $program, which the image does not have in $path_dir"
  done
  for tool in "${all_tools[@]}"; do
    [ -z "${copied_to[$tool]:-}" ] || [ "${copied_to[$tool]}" = "$path_dir" ] || fail "$tool is not copied into $path_dir"
  done

  # --- Every man page, in the section directory its suffix names.
  local page
  for page in "$SRC"/man/*.[0-9]; do
    page=$(basename "$page")
    [ -n "${copied_to[$page]:-}" ] || { fail "man/$page is not copied into the image"; continue; }
    [[ "${copied_to[$page]}" == */man${page##*.} ]] || fail "man/$page is copied into ${copied_to[$page]}, not a man${page##*.} directory"
  done

  # --- SageMaker's settings.
  [[ " ${labels[*]} " == *" com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true "* ]] ||
    fail "no LABEL com.amazonaws.sagemaker.capabilities.accept-bind-to-port=true"
  [[ " ${exposes[*]} " == *" 8080 "* ]] || fail "no EXPOSE 8080"
  [ "$runtime_workdir" = /opt/ml ] || fail "the runtime stage's WORKDIR should be /opt/ml, not \"$runtime_workdir\""
  if [ "${#entrypoints[@]}" -ne 1 ]; then
    fail "the runtime stage should have one ENTRYPOINT (found ${#entrypoints[@]})"
  elif ! printf '%s\n' "${entrypoints[0]}" | jq -e 'type == "array" and length > 0 and all(type == "string")' >/dev/null 2>&1; then
    fail "the ENTRYPOINT is not in exec form (a JSON array of strings): ${entrypoints[0]}"
  else
    program=$(printf '%s\n' "${entrypoints[0]}" | jq -r '.[0]')
    package=${ENTRYPOINT_PACKAGE[$program]:-}
    if [ -z "$package" ]; then
      fail "the ENTRYPOINT runs $program; the test knows the package of: ${!ENTRYPOINT_PACKAGE[*]}"
    else
      [ -n "${runtime[$package]:-}" ] || fail "the ENTRYPOINT runs $program, but the runtime stage does not install $package"
    fi
    # tini: "--" ends its options, so that `train` and `serve` are the command.
    [ "$program" != /usr/bin/tini ] || printf '%s\n' "${entrypoints[0]}" | jq -e '.[-1] == "--"' >/dev/null ||
      fail "the ENTRYPOINT should end with \"--\" after tini"
  fi
}

[ -f "$SRC/Dockerfile" ] || { echo "FAIL: no Dockerfile in $SRC" >&2; exit 1; }
check_dockerfile "$SRC/Dockerfile"

# The checks can fail: the Dockerfile without the first library package it installs.
first=""
libraries "$NEWSCLF_BIN/newsclf-fit"
for lib in "${LIBS[@]}"; do
  p=${PACKAGE_OF[$lib]:-}
  if [ -n "$p" ] && [[ " $BASE_PACKAGES " != *" $p "* ]]; then first=$p; break; fi
done
if [ -z "$first" ]; then
  fail "newsclf-fit loads no library outside the base packages, so the package check cannot be tried"
else
  sed -E "/apt-get install/,/rm -rf/ s/(^|[[:space:]])$first([[:space:]]|$)/\1\2/" "$SRC/Dockerfile" >"$SCRATCH/Dockerfile.missing"
  cmp -s "$SRC/Dockerfile" "$SCRATCH/Dockerfile.missing" && fail "cannot remove $first from a copy of the Dockerfile"
  mutant=$( (failures=0; check_dockerfile "$SCRATCH/Dockerfile.missing"; echo "$failures") 2>"$SCRATCH/missing.err")
  grep -q "of package $first, which the runtime stage does not install" "$SCRATCH/missing.err" ||
    fail "the check does not notice a Dockerfile without $first ($mutant failures: $(head -c 500 "$SCRATCH/missing.err"))"
fi

# ... and without either program MPI between hosts needs.
for p in openmpi-bin openssh-server; do
  sed -E "/apt-get install/,/rm -rf/ s/(^|[[:space:]])$p([[:space:]]|$)/\1\2/" "$SRC/Dockerfile" >"$SCRATCH/Dockerfile.no-$p"
  cmp -s "$SRC/Dockerfile" "$SCRATCH/Dockerfile.no-$p" && fail "cannot remove $p from a copy of the Dockerfile"
  mutant=$( (failures=0; check_dockerfile "$SCRATCH/Dockerfile.no-$p"; echo "$failures") 2>"$SCRATCH/no-$p.err")
  grep -qxF "FAIL: the runtime stage does not install $p" "$SCRATCH/no-$p.err" ||
    fail "the check does not notice a Dockerfile without $p ($mutant failures: $(head -c 500 "$SCRATCH/no-$p.err"))"
done

# ... and with the runtime stage's tools copied in before its packages are installed.
awk '/^FROM .*slim/ { print; print "COPY --from=build /src/build/bin/newsclf-fit /opt/newsclf/bin/"; next } { print }' \
  "$SRC/Dockerfile" >"$SCRATCH/Dockerfile.order"
mutant=$( (failures=0; check_dockerfile "$SCRATCH/Dockerfile.order"; echo "$failures") 2>"$SCRATCH/order.err")
grep -q "installs packages after a COPY" "$SCRATCH/order.err" ||
  fail "the check does not notice packages installed after a COPY ($mutant failures: $(head -c 500 "$SCRATCH/order.err"))"

[ ! -e "$SCRATCH/docker-called" ] || fail "docker was called: $(cat "$SCRATCH/docker-called")"
finish
