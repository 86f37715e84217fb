// Upstream's DefaultNormalizeScore: scale scores so the highest is maxScore (reversed: the
// lowest is), in integers.

export function normalizeToMax(scores: Float64Array, maxScore: number, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(maxScore);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    const s = Math.trunc((maxScore * scores[i]) / max);
    scores[i] = reverse ? maxScore - s : s;
  }
}
