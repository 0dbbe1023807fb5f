package query

// topNSubquery selects the ItemCount values of a TopN filter's target column
// ranked by its orderBy, under the query's other filters and RLS, from the same
// joins as the outer query (its aliases shadow the outer ones).
type topNSubquery struct {
	plan  *joinPlan
	joins map[string]bool
	where expr
	b     *boundFilter
}

func (s topNSubquery) render(w *writer) {
	w.str("SELECT ")
	s.b.target.e.render(w)
	s.plan.from(w)
	w.str(" WHERE ")
	s.where.render(w)
	w.str(" GROUP BY ")
	s.b.target.e.render(w)
	desc := s.b.f.Operator == "Top"
	w.str(" ORDER BY " + w.d.OrderBy(w.sub(s.b.order.e), desc) + ", " + w.d.OrderBy(w.sub(s.b.target.e), false))
	w.str(w.d.Limit(s.b.f.ItemCount))
}
