# Shared by bench/run-gemm, bench/run-train and bench/run-all (sourced, not run).
#
#   KINDLING_BENCH_SKIP_BUILD=1   reuse the last build instead of running Maven (run-all sets it
#                                 after building once)

bench_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_root=$(dirname "$bench_dir")
results_dir="$bench_dir/target/results"

# Spark's module options (as in platform.md and the root pom's kindling.test.jvm.flags)
spark_jvm_flags=(
  -XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
)

# Builds every module and bench (tests skipped). -Djavacpp.platform keeps JavaCPP-based
# dependencies to linux-x86_64 natives.
build_bench() {
  if [[ "${KINDLING_BENCH_SKIP_BUILD:-0}" == 1 && -f "$bench_dir/target/classpath.txt" ]]; then
    return
  fi
  echo "building: (cd $repo_root && mvn -B -q -Pbench -DskipTests -Djavacpp.platform=linux-x86_64 install)" >&2
  (cd "$repo_root" && mvn -B -q -Pbench -DskipTests -Djavacpp.platform=linux-x86_64 install) >&2
}

# bench's classes (first, so its log4j2.properties wins) and its runtime class path
bench_classpath() {
  echo "$bench_dir/target/classes:$(cat "$bench_dir/target/classpath.txt")"
}

# `java -version` on one line
java_version_line() {
  java -version 2>&1 | paste -sd ';' - | sed 's/;/; /g'
}
