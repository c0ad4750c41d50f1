#!/usr/bin/env bash
# Distributed throughput: an evaluation-bound search (every evaluation sleeps 1 s) with 1, 2, 4 and 8 workers and
# the same budget, SwiftNAS (a `swiftnas search --workers 0` coordinator and N `swiftnas worker` processes) beside
# Optuna (N processes sharing one RDB study, NSGA-II, the same sleeping objective), both on one PostgreSQL server.
# Prints throughput (evaluations per second), speed-up over one worker and its ratio to N, repeated
# configurations, evaluations beyond the budget, and lost evaluations.
#
#   bash benchmarks/distributed.sh                         # throwaway PostgreSQL, fresh venv with optuna
#   DIST_BUDGET=160 DIST_WORKERS="1 2 4 8" bash benchmarks/distributed.sh
#
# Environment: SWIFTNAS_TEST_POSTGRES_URL (a server to use; default: a throwaway one from
# scripts/throwaway-postgres.sh), DIST_BUDGET (evaluations per run, default 80), DIST_POPULATION (default 40, so
# each generation divides evenly among 1, 2, 4 and 8 workers), DIST_WORKERS (default "1 2 4 8"), DIST_PYTHON (an
# interpreter with optuna and psycopg2; default: a throwaway venv), DIST_SKIP_BUILD=1 (use the existing .build/release/swiftnas), DIST_SWIFTNAS (a swiftnas
# binary to use instead).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
budget="${DIST_BUDGET:-80}"
population="${DIST_POPULATION:-40}"
counts="${DIST_WORKERS:-1 2 4 8}"
work="$(mktemp -d -t swiftnas-distributed.XXXXXX)"
[[ -n "${SWIFTNAS_TEST_POSTGRES_URL:-}" ]] || source scripts/throwaway-postgres.sh
url="$SWIFTNAS_TEST_POSTGRES_URL"
optuna_url="postgresql+psycopg2://${url#postgresql://}"

source benchmarks/peer_python.sh
py="$(peer_python "${DIST_PYTHON:-}" "$work" optuna psycopg2-binary)"
"$py" -c 'import optuna, psycopg2; print("optuna", optuna.__version__, "psycopg2", psycopg2.__version__.split()[0])'
if [[ -n "${DIST_SWIFTNAS:-}" ]]; then
  swiftnas="$DIST_SWIFTNAS"
else
  [[ "${DIST_SKIP_BUILD:-0}" == 1 ]] || swift build -c release --product swiftnas 2>&1 | tail -1
  swiftnas="$repo/.build/release/swiftnas"
fi
now() { python3 -c 'import time; print(time.time())'; }
tag="$(date +%s)"

declare -A ours_rate theirs_rate
printf '%-8s | %-44s | %-44s\n' "" "SwiftNAS (coordinator + N swiftnas worker)" "Optuna $("$py" -c 'import optuna; print(optuna.__version__)') (N processes, RDB storage)"
printf '%-8s | %7s %8s %6s %7s %6s %5s | %7s %8s %6s %7s %6s %5s\n' workers "eval/s" speedup "/N" repeats over lost "eval/s" speedup "/N" repeats over lost
for n in $counts; do
  # SwiftNAS: N workers (one evaluation at a time each), then the coordinator, timed until it finishes.
  study="bench-$tag-$n"
  log="$work/swiftnas-$n.log"
  : > "$log"
  for _ in $(seq "$n"); do
    "$swiftnas" worker --store "$url" --study "$study" --evaluator "python3 benchmarks/distributed_sleep_eval.py $log" >>"$work/workers-$n.out" 2>&1 &
  done
  start=$(now)
  "$swiftnas" search --supernet ofa_mbv3_d234_e346_k357_w1.0 --optimization-metrics accuracy_top1 macs \
    --search-tactic evolutionary --search-algo nsga2 --population "$population" --num-evals "$budget" --seed 1 \
    --store "$url" --study "$study" --workers 0 --results-path "$work/swiftnas-$n.csv" >"$work/search-$n.out" 2>&1
  end=$(now)
  wait
  performed=$(wc -l < "$log")
  distinct=$(sort -u "$log" | wc -l)
  recorded=$(($(wc -l < "$work/swiftnas-$n.csv") - 1))
  ours_rate[$n]=$(python3 -c "print($recorded / ($end - $start))")
  ours="$(python3 -c "r=${ours_rate[$n]}; b=${ours_rate[${counts%% *}]}; print(f'{r:7.3f} {r/b:8.2f} {r/b/$n:6.2f}')") $(printf '%7d %6d %5d' $((performed - distinct)) $((performed - budget)) $((budget - recorded)))"

  # Optuna: the same number of processes on one study until `budget` trials completed.
  name="optuna-$tag-$n"
  "$py" benchmarks/distributed_optuna.py create "$optuna_url" "$name" "$population"
  start=$(now)
  for _ in $(seq "$n"); do
    "$py" benchmarks/distributed_optuna.py work "$optuna_url" "$name" "$population" "$budget" >>"$work/optuna-$n.out" 2>&1 &
  done
  wait
  end=$(now)
  read -r completed repeats over < <("$py" benchmarks/distributed_optuna.py count "$optuna_url" "$name" "$budget")
  theirs_rate[$n]=$(python3 -c "print($completed / ($end - $start))")
  theirs="$(python3 -c "r=${theirs_rate[$n]}; b=${theirs_rate[${counts%% *}]}; print(f'{r:7.3f} {r/b:8.2f} {r/b/$n:6.2f}')") $(printf '%7d %6d %5d' "$repeats" "$over" $((completed >= budget ? 0 : budget - completed)))"
  printf '%-8s | %s | %s\n' "$n" "$ours" "$theirs"
done
echo "budget $budget evaluations of 1 s each, population $population; $(nproc) cores; work folder $work"
echo "repeats: evaluations of a configuration already evaluated; over: completed evaluations beyond the budget; lost: budget minus recorded"
