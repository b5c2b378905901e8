"""The role explorer: filtering, comparing, pathway maps, previous-job matching and the interest quiz.

Everything here is computed from the knowledge records read back from the index, with the reason
for every ranking spelled out, so an adviser can see why a role was suggested."""
