# Shared by bench/run-gemm, bench/run-train and bench/run-all (sourced, not run).
#
#   KINDLING_BENCH_SKIP_BUILD=1   reuse the last build instead of running Maven (run-all sets it
#                                 after building once)

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(dirname "$bench_dir")
results_dir="$bench_dir/target/results"

# Spark's module options: read from the root pom's kindling.test.jvm.flags, the one place they are
# written (docs/decisions/0006), as ./kindling does
read -r -a spark_jvm_flags <<< "$(sed -n 's:.*<kindling.test.jvm.flags>\(.*\)</kindling.test.jvm.flags>.*:\1:p' "$repo_root/pom.xml")"
# Spark MLlib's Java BLAS (dev.ludovic.netlib) runs on the Vector API when the incubator module is
# loaded, as Spark's own launcher does: the MLlib peer gets it here, not Kindling's command line
spark_jvm_flags+=(--add-modules=jdk.incubator.vector)

# Builds bench and the Kindling modules it uses (tests skipped) in one reactor, without
# installing anything into ~/.m2: the class path then names the modules' target/*.jar.
# -Djavacpp.platform keeps JavaCPP-based dependencies to linux-x86_64 natives.
build_bench() {
  if [[ "${KINDLING_BENCH_SKIP_BUILD:-0}" == 1 && -f "$bench_dir/target/classpath.txt" ]]; then
    return
  fi
  local mvn_args=(-B -o -q -Pbench -DskipTests -Djavacpp.platform=linux-x86_64 package -pl bench -am)
  echo "building: (cd $repo_root && mvn ${mvn_args[*]})" >&2
  (cd "$repo_root" && mvn "${mvn_args[@]}") >&2
}

# bench's classes (first, so its log4j2.properties wins) and its runtime class path
bench_classpath() {
  echo "$bench_dir/target/classes:$(cat "$bench_dir/target/classpath.txt")"
}

# `java -version` on one line
java_version_line() {
  java -version 2>&1 | paste -sd ';' - | sed 's/;/; /g'
}

# JVM flags of the score and memory runners (bench/run-score, bench/run-memory) unless
# KINDLING_BENCH_JAVA_OPTS is set: a 6 GiB heap and a cap on Kindling's native arrays of 60% of
# the machine's memory (kindling.memory.limit; its default, the -Xmx, is too small for issue 8's
# grid: VGG-16 at batch 128 holds two 1.5 GiB activations and more, and bench/README.md gives
# the peak per network). The peers' native memory is not capped by either; the 40% left is
# theirs and the system's.
score_java_opts() {
  local kib
  kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null || true)
  local gib=$(( ${kib:-0} * 6 / 10 / 1024 / 1024 ))
  (( gib < 6 )) && gib=6
  echo "-Xmx6g -Dkindling.memory.limit=${gib}g"
}
