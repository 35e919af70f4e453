"""The leadership's weekly work calendar (lịch công tác tuần) of each agency."""
