"""Peers that no package provides, written here from the textbook formulas.

``dagum_direct`` is Dagum's (1997) Gini decomposition as usually coded (and as the scripts on
GitHub do it): every pair of units, |y_i - y_r| summed over all n^2 pairs. It is unweighted (the
textbook formula). To keep memory bounded it walks over row blocks of each pair of regions
(about ``block_cells`` differences at a time); the arithmetic is still O(n^2).
"""

from __future__ import annotations

import numpy as np

BLOCK_CELLS = 4_000_000     # 32 MB of float64 differences per block


def _pair_sums(a, b, block_cells=BLOCK_CELLS):
    """(sum |a_i - b_r|, sum of the positive parts of a_i - b_r) over every pair (i, r)."""
    absolute = positive = 0.0
    rows = max(1, block_cells // max(1, b.size))
    for start in range(0, a.size, rows):
        diff = a[start:start + rows, None] - b[None, :]
        absolute += np.abs(diff).sum()
        positive += np.maximum(diff, 0.0).sum()
    return absolute, positive


def dagum_direct(y, groups, block_cells=BLOCK_CELLS):
    """Total, within, net between and transvariation of Dagum's decomposition of y by groups.

    G = sum_j sum_h sum_i sum_r |y_ji - y_hr| / (2 n^2 mu)
    G_jj = sum_i sum_r |y_ji - y_jr| / (2 n_j^2 mu_j);  G_w = sum_j G_jj p_j s_j
    G_jh = sum_i sum_r |y_ji - y_hr| / (n_j n_h (mu_j + mu_h))
    d_jh, p_jh: mean positive and negative gaps, with mu_j >= mu_h; D_jh = (d - p)/(d + p)
    G_nb = sum_{j != h, mu_j > mu_h} G_jh D_jh (p_j s_h + p_h s_j); G_t likewise with 1 - D_jh.
    """
    y = np.asarray(y, dtype=float)
    labels = np.asarray(groups)
    names = list(dict.fromkeys(labels.tolist()))
    members = [y[labels == g] for g in names]
    n, mu = y.size, y.mean()
    means = np.array([m.mean() for m in members])
    order = np.argsort(-means, kind="stable")             # richest first, as Dagum orders them
    members = [members[i] for i in order]
    means = means[order]
    sizes = np.array([m.size for m in members], dtype=float)
    p = sizes / n
    s = sizes * means / (n * mu)
    k = len(members)
    total_abs = 0.0
    within = net_between = transvariation = 0.0
    for j in range(k):
        a_jj, _ = _pair_sums(members[j], members[j], block_cells)
        total_abs += a_jj
        g_jj = a_jj / (2 * sizes[j] ** 2 * means[j])
        within += g_jj * p[j] * s[j]
        for h in range(j):                                # h richer than j
            a_hj, pos = _pair_sums(members[h], members[j], block_cells)
            total_abs += 2 * a_hj
            g_jh = a_hj / (sizes[j] * sizes[h] * (means[j] + means[h]))
            d_jh = pos / (sizes[j] * sizes[h])
            p_jh = (a_hj - pos) / (sizes[j] * sizes[h])
            big_d = (d_jh - p_jh) / (d_jh + p_jh) if d_jh + p_jh > 0 else 0.0
            weight = p[j] * s[h] + p[h] * s[j]
            net_between += g_jh * big_d * weight
            transvariation += g_jh * (1.0 - big_d) * weight
    total = total_abs / (2 * n ** 2 * mu)
    return {"total": total, "within": within, "net_between": net_between,
            "transvariation": transvariation}
