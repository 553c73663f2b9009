"""The kernels of training in rounds (``training.rounds``): what a share changed, two
shares' changes added, and a change applied. Imports only w2v.jit; the callers
allocate every array. A change is its rows, sorted, and a row of values for each."""

from ..jit import kernel


@kernel
def changed_rows(before, after, rows):
    """Write the indices of the rows where ``after`` differs from ``before`` to ``rows``
    (as long as ``before``); return how many."""
    count = 0
    for r in range(before.shape[0]):
        for c in range(before.shape[1]):
            if before[r, c] != after[r, c]:
                rows[count] = r
                count += 1
                break
    return count


@kernel
def differences(before, after, rows, values):
    """values[i] = after[rows[i]] - before[rows[i]]."""
    for i in range(rows.shape[0]):
        r = rows[i]
        for c in range(before.shape[1]):
            values[i, c] = after[r, c] - before[r, c]


@kernel
def merge(a_rows, a_values, b_rows, b_values, rows, values):
    """Two changes added: their rows merged in order into ``rows`` and ``values`` (room
    for both); return how many rows."""
    i = j = n = 0
    dim = a_values.shape[1]
    while i < a_rows.shape[0] or j < b_rows.shape[0]:
        take_a = j >= b_rows.shape[0] or (i < a_rows.shape[0] and a_rows[i] <= b_rows[j])
        take_b = i >= a_rows.shape[0] or (j < b_rows.shape[0] and b_rows[j] <= a_rows[i])
        rows[n] = a_rows[i] if take_a else b_rows[j]
        for c in range(dim):
            total = a_values[i, c] if take_a else 0.0
            if take_b:
                total += b_values[j, c]
            values[n, c] = total
        i += take_a
        j += take_b
        n += 1
    return n


@kernel
def add_rows(matrix, rows, values, scale):
    """matrix[rows[i]] += values[i] * scale, in place."""
    for i in range(rows.shape[0]):
        r = rows[i]
        for c in range(matrix.shape[1]):
            matrix[r, c] += values[i, c] * scale
