"""bench.turn_cost's windows: the median of each window of the long conversation, in ms."""

from bench.turn_cost import window_medians_ms


def test_each_window_is_the_median_of_its_turns() -> None:
    costs = [0.010] * 300
    costs[290:300] = [0.020, 0.021, 0.019, 0.020, 0.5, 0.020, 0.020, 0.020, 0.020, 0.020]  # one stall
    costs[0:10] = [0.011] * 10
    medians = window_medians_ms(costs, 300)
    assert list(medians) == ["1-10", "91-100", "191-200", "291-300"]
    assert medians["1-10"] == 11.0 and medians["91-100"] == 10.0 and medians["291-300"] == 20.0
