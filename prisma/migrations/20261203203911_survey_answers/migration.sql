-- CreateTable
CREATE TABLE "SurveyAnswer" (
    "caseId" TEXT NOT NULL PRIMARY KEY,
    "customerId" TEXT NOT NULL,
    "satisfaction" INTEGER NOT NULL,
    "recommend" INTEGER NOT NULL,
    "comment" TEXT,
    "answeredAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SurveyAnswer_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
