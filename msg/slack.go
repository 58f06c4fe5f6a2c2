package msg

// Sentences of the Slack adapter: modals, buttons, App Home, set-up errors.
const ()

var slackEnglish = Catalog{}
