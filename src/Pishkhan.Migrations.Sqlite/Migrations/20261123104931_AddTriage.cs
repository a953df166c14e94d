using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pishkhan.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class AddTriage : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "PriorityOverridden",
                table: "Cases",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "CategorisationRules",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    Conditions = table.Column<string>(type: "TEXT", nullable: false),
                    SetCategoryId = table.Column<Guid>(type: "TEXT", nullable: true),
                    SetProduct = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AddTags = table.Column<string>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CategorisationRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CategorisationRules_Categories_SetCategoryId",
                        column: x => x.SetCategoryId,
                        principalTable: "Categories",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "ClassifierModels",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TrainedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Model = table.Column<byte[]>(type: "BLOB", nullable: false),
                    TrainingCases = table.Column<int>(type: "INTEGER", nullable: false),
                    HeldOutCases = table.Column<int>(type: "INTEGER", nullable: false),
                    Accuracy = table.Column<double>(type: "REAL", nullable: false),
                    CategoriesJson = table.Column<string>(type: "TEXT", nullable: false),
                    TrainedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClassifierModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TriageSettings",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    PriorityMatrixJson = table.Column<string>(type: "TEXT", nullable: false),
                    ClassifierThreshold = table.Column<double>(type: "REAL", nullable: false),
                    ClassifierApplies = table.Column<bool>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TriageSettings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CategorisationRules_Position",
                table: "CategorisationRules",
                column: "Position");

            migrationBuilder.CreateIndex(
                name: "IX_CategorisationRules_SetCategoryId",
                table: "CategorisationRules",
                column: "SetCategoryId");

            migrationBuilder.CreateIndex(
                name: "IX_ClassifierModels_TrainedAt",
                table: "ClassifierModels",
                column: "TrainedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CategorisationRules");

            migrationBuilder.DropTable(
                name: "ClassifierModels");

            migrationBuilder.DropTable(
                name: "TriageSettings");

            migrationBuilder.DropColumn(
                name: "PriorityOverridden",
                table: "Cases");
        }
    }
}
