package msg

// Catalogs are the languages the bot speaks, by their config name.
var Catalogs = map[string]Catalog{"en": English, "ko": Korean}

// CatalogFor returns the catalog of a language, English for an unknown one.
func CatalogFor(lang string) Catalog {
	if c, ok := Catalogs[lang]; ok {
		return c
	}
	return English
}
