// n8n loads this package through the "n8n" section of package.json; main only has to exist.
module.exports = {};
