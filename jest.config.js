// Tests run against the compiled output in dist/ (npm test builds it first), so they exercise
// exactly what is published.
module.exports = {
  testEnvironment: "node",
  testMatch: ["<rootDir>/test/**/*.test.js"],
  testTimeout: 30000,
  maxWorkers: 2,
};
