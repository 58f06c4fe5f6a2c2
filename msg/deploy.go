package msg

// Sentences of real deployers, the deploy queue and GitHub.
const ()

var deployEnglish = Catalog{}
