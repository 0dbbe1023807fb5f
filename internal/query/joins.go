package query

import (
	"fmt"
	"strings"

	"github.com/bindery-dev/bindery/internal/errs"
	"github.com/bindery-dev/bindery/internal/model"
)

// edge is a many-to-one relationship followed from its many side.
type edge struct {
	from     *model.Table
	fromCol  *model.Column
	to       *model.Table
	toCol    *model.Column
	relIndex int
	// assumeRI is the relationship's assumeReferentialIntegrity promise.
	assumeRI bool
}

// joinPlan is the FROM clause: a base table and the dimensions reached from it
// by following relationships from their many side to their one side, so that
// a filter on a dimension restricts the base table's rows.
type joinPlan struct {
	base   *model.Table
	via    map[string]edge // folded table name -> the edge that reaches it
	order  []string        // reachable tables in BFS order (base first)
	joined []string        // the tables this query joins, in order
	inner  map[string]bool // joined tables reached by an INNER JOIN
}

func fold(s string) string { return strings.ToLower(s) }

// edges lists the model's relationships as many-to-one edges per table.
func edges(def *model.DatasetDefinition) map[string][]edge {
	out := map[string][]edge{}
	for i, r := range def.Relationships {
		from, ok1 := def.Table(r.FromTable)
		to, ok2 := def.Table(r.ToTable)
		if !ok1 || !ok2 {
			continue
		}
		fc, ok1 := from.Column(r.FromColumn)
		tc, ok2 := to.Column(r.ToColumn)
		if !ok1 || !ok2 {
			continue
		}
		out[fold(from.Name)] = append(out[fold(from.Name)], edge{from, fc, to, tc, i, r.AssumeReferentialIntegrity})
	}
	return out
}

// reach returns the tables reachable from base, each with the edge that first reaches it (BFS, model order).
func reach(def *model.DatasetDefinition, all map[string][]edge, base *model.Table) *joinPlan {
	p := &joinPlan{base: base, via: map[string]edge{}, order: []string{fold(base.Name)}}
	seen := map[string]bool{fold(base.Name): true}
	for i := 0; i < len(p.order); i++ {
		for _, e := range all[p.order[i]] {
			k := fold(e.to.Name)
			if seen[k] {
				continue
			}
			seen[k] = true
			p.via[k] = e
			p.order = append(p.order, k)
		}
	}
	return p
}

func (p *joinPlan) reaches(t *model.Table) bool {
	k := fold(t.Name)
	_, ok := p.via[k]
	return ok || k == fold(p.base.Name)
}

// keyOf returns the one-side key column of a joined dimension; false for the base table.
func (p *joinPlan) keyOf(t *model.Table) (expr, bool) {
	e, ok := p.via[fold(t.Name)]
	if !ok {
		return nil, false
	}
	return col{e.to, e.toCol}, true
}

// chooseBase picks the table the query reads rows from: one that reaches every
// required table. It prefers a required table (the fact a value aggregates),
// then the candidate reaching the fewest tables (the nearest common fact).
func chooseBase(def *model.DatasetDefinition, required []*model.Table) (*joinPlan, error) {
	all := edges(def)
	var best *joinPlan
	bestScore := 0
	for i := range def.Tables {
		p := reach(def, all, &def.Tables[i])
		ok := true
		isRequired := false
		for _, t := range required {
			if !p.reaches(t) {
				ok = false
				break
			}
			if fold(t.Name) == fold(def.Tables[i].Name) {
				isRequired = true
			}
		}
		if !ok {
			continue
		}
		score := len(p.order)
		if isRequired {
			score -= 100000
		}
		if best == nil || score < bestScore {
			best, bestScore = p, score
		}
	}
	if best == nil {
		names := make([]string, len(required))
		for i, t := range required {
			names[i] = t.Name
		}
		return nil, errs.Invalid("", "no table is related to all of %s through many-to-one relationships", strings.Join(names, ", "))
	}
	return best, nil
}

// prepare assigns the aliases of the base table (t0) and of the tables in
// need, closing need over the paths that lead to them, and decides each join.
//
// A join is INNER when its relationship assumes referential integrity and the
// table it starts from is the base or was itself INNER JOINed: an INNER JOIN
// after a LEFT JOIN would drop the rows that the LEFT JOIN kept for a blank group.
func (p *joinPlan) prepare(w *writer, need map[string]bool) {
	for k := range need {
		for {
			e, ok := p.via[k]
			if !ok {
				break
			}
			k = fold(e.from.Name)
			need[k] = true
		}
	}
	p.joined, p.inner = nil, map[string]bool{}
	w.aliases = map[string]string{fold(p.base.Name): "t0"}
	for _, k := range p.order[1:] { // BFS order: a table's path is decided before it
		if need[k] {
			p.joined = append(p.joined, k)
			w.aliases[k] = fmt.Sprintf("t%d", len(p.joined))
			e := p.via[k]
			from := fold(e.from.Name)
			p.inner[k] = e.assumeRI && (from == fold(p.base.Name) || p.inner[from])
		}
	}
}

// from renders the FROM clause prepared by prepare.
func (p *joinPlan) from(w *writer) {
	w.str(" FROM ")
	w.ident(p.base.Name)
	w.str(" AS t0")
	for _, k := range p.joined {
		e := p.via[k]
		if p.inner[k] {
			w.str(" INNER JOIN ")
		} else {
			w.str(" LEFT JOIN ")
		}
		w.ident(e.to.Name)
		w.str(" AS " + w.aliases[k] + " ON ")
		col{e.from, e.fromCol}.render(w)
		w.str(" = ")
		col{e.to, e.toCol}.render(w)
	}
}
