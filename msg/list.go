package msg

// List joins sentences into one, in the catalog's words for "a, b and c".
// Empty lists say nothing (a zero Text).
func List(parts ...Text) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	case 2:
		return T(ListPair, "a", parts[0], "b", parts[1])
	}
	return T(ListMore, "a", parts[0], "rest", List(parts[1:]...))
}

// ListOr joins alternatives: "a, b or c".
func ListOr(parts ...Text) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	case 2:
		return T(ListOrPair, "a", parts[0], "b", parts[1])
	}
	return T(ListMore, "a", parts[0], "rest", ListOr(parts[1:]...))
}

// And says people who all did something: "@bob, @carol and @dave". Nobody
// is "nobody eligible".
func And(names ...string) Text { return people(ListPair, names) }

// Or says people any one of whom may act: "@bob, @carol or @dave".
func Or(names ...string) Text { return people(ListOrPair, names) }

// people joins names with the catalog's separator (ListMore) and the
// final conjunction pair, so the words come from the reader's language.
func people(pair ID, names []string) Text {
	switch len(names) {
	case 0:
		return T(WordNobody)
	case 1:
		return T(ListOne, "a", names[0])
	case 2:
		return T(pair, "a", names[0], "b", names[1])
	}
	return T(ListMore, "a", names[0], "rest", people(pair, names[1:]))
}

// Lines puts texts one a line, each rendered in the reader's language.
func Lines(parts ...Text) Text {
	switch len(parts) {
	case 0:
		return Text{}
	case 1:
		return parts[0]
	}
	return T(ListLines, "a", parts[0], "rest", Lines(parts[1:]...))
}
