"""Optuna's side of the distributed throughput benchmark: the same sleeping objective over the same genes
(OFA-MobileNetV3: 20 kernel sizes, 20 expansions, 5 depths), NSGA-II with the same population, on PostgreSQL RDB
storage, run by several processes that share one study until it has `budget` completed trials.

    python distributed_optuna.py create URL STUDY POPULATION
    python distributed_optuna.py work URL STUDY POPULATION BUDGET    (one per process)
    python distributed_optuna.py count URL STUDY BUDGET              (prints completed, repeats, overshoot)
"""
import json
import sys
import time

import optuna
from optuna.storages import RDBStorage
from optuna.study import MaxTrialsCallback
from optuna.trial import TrialState

optuna.logging.set_verbosity(optuna.logging.WARNING)


def objective(trial):
    ks = [trial.suggest_categorical(f"ks{i}", [3, 5, 7]) for i in range(20)]
    e = [trial.suggest_categorical(f"e{i}", [3, 4, 6]) for i in range(20)]
    d = [trial.suggest_categorical(f"d{i}", [2, 3, 4]) for i in range(5)]
    time.sleep(1.0)
    accuracy = 70 + sum(ks) * 0.05 + sum(e) * 0.07 + sum(d) * 0.1
    macs = sum(k * k * x for k, x in zip(ks, e)) * 1e5 + sum(d) * 3e6
    return accuracy, macs


def main():
    command, url, name = sys.argv[1], sys.argv[2], sys.argv[3]
    storage = RDBStorage(url)
    if command == "create":
        optuna.create_study(study_name=name, storage=storage, directions=["maximize", "minimize"])
    elif command == "work":
        population, budget = int(sys.argv[4]), int(sys.argv[5])
        sampler = optuna.samplers.NSGAIISampler(population_size=population)
        study = optuna.load_study(study_name=name, storage=storage, sampler=sampler)
        study.optimize(objective, callbacks=[MaxTrialsCallback(budget, states=(TrialState.COMPLETE,))])
    elif command == "count":
        budget = int(sys.argv[4])
        study = optuna.load_study(study_name=name, storage=storage)
        complete = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.COMPLETE]
        distinct = {json.dumps(t.params, sort_keys=True) for t in complete}
        print(len(complete), len(complete) - len(distinct), max(0, len(complete) - budget))


main()
