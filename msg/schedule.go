package msg

// Sentences of reminders and scheduled deploys.
const ()

var scheduleEnglish = Catalog{}
