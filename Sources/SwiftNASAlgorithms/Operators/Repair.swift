/// Puts gene vectors back into their domain: clamps to the bounds and rounds integer variables.
///
/// Rounding is half-to-even, as numpy's `around` used by pymoo 0.6's `RoundingRepair`
/// (`pymoo/operators/repair/rounding.py`), so integer genes created by real-valued operators land on the
/// same values as in pymoo/DyNAS-T.
public enum Repair {
    /// Clamps every gene into `[lower, upper]` (pymoo's `repair_clamp` / `set_to_bounds_if_outside`).
    @inlinable
    public static func clamp(_ genes: inout [Double], to variables: [Variable]) {
        for i in genes.indices {
            let variable = variables[i]
            if genes[i] < variable.lower { genes[i] = variable.lower }
            if genes[i] > variable.upper { genes[i] = variable.upper }
        }
    }

    /// Rounds integer variables to the nearest whole number (ties to even) and clamps all genes.
    @inlinable
    public static func round(_ genes: inout [Double], to variables: [Variable]) {
        for i in genes.indices where variables[i].isInteger {
            genes[i] = genes[i].rounded(.toNearestOrEven)
        }
        clamp(&genes, to: variables)
    }
}
