"""The numerical engine (NumPy and pandas only): every front calls into it, none computes.

Kernels take clean arrays; the public functions below validate what users give and return
small result objects with named fields.
"""

from .classify import Classification, band_cutoffs, classify, rank_levels, type_names
from .convergence import BetaConvergence, SigmaConvergence, beta_convergence, sigma_convergence

# issue 14: coupling, obstacle, density
from .coupling import CouplingResult, coupling_coordination
from .dagum import DagumResult, dagum_gini
from .density import DensityResult, kernel_density
from .entropy import (
    EntropyWeights,
    WeightIntervals,
    bootstrap_weights,
    entropy_weights,
    is_normalized,
    normalize,
)
from .errors import InputError
from .markov import MarkovChain, SpatialMarkov, class_chain, markov_chain, spatial_markov
from .objective_weights import METHODS, ObjectiveWeights, objective_weights
from .obstacle import ObstacleResult, obstacle_degree
from .panel import PanelNumbers, PanelResult, ScoreMeans, compute_panel, run_panel
from .panel_data import PanelArrays, prepare_panel, read_indicators
from .permutation import PermutationTest, between_permutation_test
from .rank_robustness import (
    RankAgreement,
    WeightingComparison,
    WeightSensitivity,
    compare_weightings,
    rank_agreement,
    weight_sensitivity,
)
from .settings import DEFAULT_SEED, MAX_REPLICATES, Settings
from .spatial import GlobalMoran, LocalMoran, builtin_pairs, global_moran, local_moran
from .theil import TheilResult, theil
from .topsis import TopsisResult, topsis, weighted_sum
from .validation import direction_sign

__all__ = [
    "Classification", "DagumResult", "EntropyWeights", "InputError", "PanelArrays", "PanelNumbers",
    "PanelResult", "PermutationTest", "ScoreMeans", "band_cutoffs", "Settings", "TheilResult",
    "TopsisResult", "WeightIntervals",
    "between_permutation_test", "bootstrap_weights", "classify", "compute_panel", "dagum_gini",
    "direction_sign", "entropy_weights", "is_normalized", "normalize", "prepare_panel",
    "rank_levels",
    "read_indicators", "run_panel", "theil", "topsis", "type_names", "weighted_sum",
    # issue 14: coupling, obstacle, density
    "CouplingResult", "DensityResult", "ObstacleResult", "coupling_coordination",
    "kernel_density", "obstacle_degree",
    # issue 14: convergence, spatial
    "BetaConvergence", "SigmaConvergence", "beta_convergence", "sigma_convergence",
    "DEFAULT_SEED", "MAX_REPLICATES", "GlobalMoran", "LocalMoran", "builtin_pairs",
    "global_moran", "local_moran",
    # issue 25: robustness of the weights, dynamics between levels
    "METHODS", "MarkovChain", "ObjectiveWeights", "RankAgreement", "SpatialMarkov",
    "WeightSensitivity", "WeightingComparison", "class_chain", "compare_weightings",
    "markov_chain", "objective_weights", "rank_agreement", "spatial_markov",
    "weight_sensitivity",
]
